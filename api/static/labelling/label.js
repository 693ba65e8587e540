// /label: sign in with a client id, get a batch, answer yes/no per clip, submit, see the score.
"use strict";

(() => {
  const { el, gql, showError, clearError } = Labelling;
  const $ = (id) => document.getElementById(id);

  const CAMPAIGN = `query Campaign($id: ID!) { campaign(id: $id) { id name question batchSize } }`;
  const BATCH = `query Batch($campaignId: ID!) {
    labellingBatch(campaignId: $campaignId) { id videoToken clips { id url startFrame endFrame } }
  }`;
  const SUBMIT = `mutation Submit($videoToken: String!, $answers: [ClipAnswer!]!) {
    submitLabellingBatch(videoToken: $videoToken, answers: $answers) {
      batchScore userScore userRawScore passed
    }
  }`;
  const STATS = `query Stats($id: ID!) {
    labellingStatistics(campaignId: $id) { numAllVideos numFullyLabeled numPartiallyLabeled }
  }`;
  // the server refuses a batch returned sooner than this after it was issued
  const NOT_BEFORE_MS = 5000;
  // refusals after which this batch is of no more use: the labeller needs a new one
  const BATCH_GONE = new Set([
    "BATCH_EXPIRED", "BATCH_ALREADY_RETURNED", "INVALID_BATCH_TOKEN", "ROLE_CHANGED",
  ]);

  const state = {
    campaignId: "",
    auth: null, // {token, expiresAt, labeller}
    batch: null, // {id, videoToken, clips}
    answers: new Map(), // clip id -> 0 | 1
    issuedAt: 0,
    focus: 0,
    submitting: false,
    timer: null,
  };

  function setView(name, loadingText) {
    $("main").dataset.view = name;
    if (loadingText) $("loading-text").textContent = loadingText;
  }

  function fail(err) {
    if (err instanceof Labelling.ApiError && err.needsSignIn) {
      Labelling.forget(state.campaignId);
      state.auth = null;
      renderWho();
      setView("login");
    }
    showError($("error"), err.needsSignIn
      ? new Labelling.ApiError(`Please sign in again — ${err.message}.`, err.code) : err);
  }

  function renderWho() {
    const who = $("who");
    if (!state.auth) {
      who.hidden = true;
      return;
    }
    const l = state.auth.labeller;
    who.hidden = false;
    $("who-name").textContent = l.clientId;
    $("who-type").textContent = Labelling.typeName(l.type);
    $("who-score").textContent = `score ${l.score} / ${l.rawScore}`;
  }

  async function loadCampaign() {
    try {
      const { data } = await gql(CAMPAIGN, { id: state.campaignId }, state.auth.token);
      if (data.campaign) {
        $("question").textContent = data.campaign.question;
        document.title = `${data.campaign.name} · label clips`;
      }
    } catch (err) {
      fail(err);
    }
  }

  async function loadStats() {
    if (!state.auth) return;
    try {
      const { data } = await gql(STATS, { id: state.campaignId }, state.auth.token);
      const s = data.labellingStatistics;
      $("stats").textContent =
        `${s.numFullyLabeled} of ${s.numAllVideos} clips fully labelled · ` +
        `${s.numPartiallyLabeled} partially`;
    } catch (_) {
      $("stats").textContent = "";
    }
  }

  async function signIn(event) {
    event.preventDefault();
    clearError($("error"));
    const campaignId = $("campaign-id").value.trim();
    const clientId = $("client-id").value.trim();
    if (!campaignId || !clientId) return;
    state.campaignId = campaignId;
    setView("loading", "Signing in…");
    try {
      state.auth = await Labelling.login(campaignId, clientId);
      const url = new URL(window.location.href);
      url.searchParams.set("campaign", campaignId);
      window.history.replaceState(null, "", url);
      $("gallery-link").href = `/gallery?campaign=${encodeURIComponent(campaignId)}`;
      renderWho();
      await loadCampaign();
      await nextBatch();
    } catch (err) {
      setView("login");
      fail(err);
    }
  }

  async function nextBatch() {
    clearError($("error"));
    setView("loading", "Fetching a batch of clips…");
    loadStats();
    let batch = null;
    try {
      const result = await gql(BATCH, { campaignId: state.campaignId }, state.auth.token);
      batch = result.data.labellingBatch;
    } catch (err) {
      if (err.code !== "NO_BATCH_AVAILABLE") {
        setView("empty");
        $("empty-reason").textContent = "The batch could not be fetched.";
        fail(err);
        return;
      }
      showEmpty(err.extensions.reason, err.message);
      return;
    }
    if (!batch) {
      showEmpty("", "");
      return;
    }
    state.batch = batch;
    state.answers = new Map();
    state.issuedAt = Date.now();
    state.focus = 0;
    renderBatch();
    setView("batch");
    focusTile(0);
    tick();
  }

  // why no batch could be made, in the labeller's words
  const NO_BATCH_REASONS = {
    NOT_ENOUGH_CLIPS: "You have labelled every clip that still needs answers. Thank you!",
    NOT_ENOUGH_GOLDS: "This campaign is not ready yet: researchers have not marked enough " +
      "clips with known answers. Please come back later.",
  };

  function showEmpty(reason, message) {
    const text = NO_BATCH_REASONS[reason] || message ||
      "There is no batch for you right now. Please come back later.";
    $("empty-reason").textContent = text;
    $("view-empty").dataset.reason = reason || "";
    setView("empty");
  }

  function renderBatch() {
    const tiles = state.batch.clips.map((clip, index) => {
      const video = el("video", {
        src: clip.url, muted: true, loop: true, autoplay: true, playsinline: true,
        preload: "auto", "aria-label": `clip ${index + 1}`,
      });
      video.muted = true; // the attribute alone does not mute a script-made element
      Labelling.loopWindow(video);
      const yes = el("button", { type: "button", class: "yes", "aria-pressed": "false",
        onclick: () => answer(index, 1) }, "Yes");
      const no = el("button", { type: "button", class: "no", "aria-pressed": "false",
        onclick: () => answer(index, 0) }, "No");
      const tile = el("figure", {
        class: "tile", role: "listitem", tabindex: "-1", dataset: { clip: clip.id, index },
        onclick: (e) => { if (e.target === video) focusTile(index); },
      },
        el("div", { class: "media" }, video, el("span", { class: "badge" }, String(index + 1))),
        el("figcaption", {}, yes, no),
      );
      return tile;
    });
    $("grid").replaceChildren(...tiles);
    updateProgress();
  }

  function tiles() {
    return Array.from($("grid").children);
  }

  function focusTile(index) {
    const all = tiles();
    if (!all.length) return;
    state.focus = (index + all.length) % all.length;
    all.forEach((t, i) => t.setAttribute("tabindex", i === state.focus ? "0" : "-1"));
    all[state.focus].focus({ preventScroll: false });
  }

  function answer(index, value) {
    const clip = state.batch.clips[index];
    state.answers.set(clip.id, value);
    const tile = tiles()[index];
    tile.dataset.answer = value ? "yes" : "no";
    tile.querySelector(".yes").setAttribute("aria-pressed", String(value === 1));
    tile.querySelector(".no").setAttribute("aria-pressed", String(value === 0));
    state.focus = index;
    updateProgress();
  }

  function restNo() {
    state.batch.clips.forEach((clip, i) => {
      if (!state.answers.has(clip.id)) answer(i, 0);
    });
  }

  function remainingMs() {
    return Math.max(0, state.issuedAt + NOT_BEFORE_MS - Date.now());
  }

  function updateProgress() {
    const total = state.batch ? state.batch.clips.length : 0;
    const done = state.answers.size;
    $("progress").textContent = `${done} of ${total} answered`;
    $("progress-bar").style.width = total ? `${(100 * done) / total}%` : "0";
    const wait = remainingMs();
    const submit = $("submit-batch");
    submit.disabled = state.submitting || done < total || wait > 0;
    submit.textContent = state.submitting ? "Submitting…"
      : wait > 0 && done === total ? `Submit (in ${Math.ceil(wait / 1000)} s)` : "Submit";
    $("rest-no").disabled = done === total;
  }

  function tick() {
    clearInterval(state.timer);
    state.timer = setInterval(() => {
      if ($("main").dataset.view !== "batch") return clearInterval(state.timer);
      updateProgress();
      if (remainingMs() === 0) clearInterval(state.timer);
    }, 250);
  }

  async function submit() {
    if ($("submit-batch").disabled) return;
    state.submitting = true;
    updateProgress();
    clearError($("error"));
    const answers = state.batch.clips.map((c) => ({ clipId: c.id, label: state.answers.get(c.id) }));
    try {
      const { data } = await gql(SUBMIT, { videoToken: state.batch.videoToken, answers }, state.auth.token);
      showResult(data.submitLabellingBatch);
    } catch (err) {
      if (BATCH_GONE.has(err.code)) {
        state.batch = null;
        showEmpty("", "This batch can no longer be returned. Try again for a new one.");
      }
      fail(err); // a submission refused for being early or malformed keeps the grid
    } finally {
      state.submitting = false;
      if (state.batch) updateProgress();
    }
  }

  function showResult(outcome) {
    document.querySelectorAll("#grid video").forEach((v) => v.pause());
    state.batch = null;
    const l = state.auth.labeller;
    if (outcome.userScore !== null && outcome.userScore !== undefined) l.score = outcome.userScore;
    if (outcome.userRawScore !== null && outcome.userRawScore !== undefined) l.rawScore = outcome.userRawScore;
    Labelling.saveSession(state.campaignId, {
      token: state.auth.token, expiresIn: (state.auth.expiresAt - Date.now()) / 1000, labeller: l,
    });
    renderWho();
    const passed = outcome.passed;
    $("view-result").dataset.passed = String(passed);
    $("result-icon").textContent = passed ? "✓" : "✗";
    $("result-title").textContent = passed ? "Thank you — batch accepted" : "Batch not counted";
    $("result-detail").textContent = passed
      ? "Your answers were recorded."
      : "A clip with a known answer was answered differently, so this batch's answers were not kept. Watch each clip closely and try another.";
    const figures = [];
    if (outcome.batchScore !== null && outcome.batchScore !== undefined) {
      figures.push(["This batch", `${outcome.batchScore}`]);
    }
    if (outcome.userScore !== null && outcome.userScore !== undefined) {
      figures.push(["Your score", `${outcome.userScore} of ${outcome.userRawScore}`]);
      if (outcome.userRawScore > 0) {
        figures.push(["Reliability", `${Math.round((100 * outcome.userScore) / outcome.userRawScore)} %`]);
      }
    }
    $("result-figures").replaceChildren(...figures.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    setView("result");
    $("next-batch").focus();
    loadStats();
  }

  function onKey(event) {
    if ($("main").dataset.view !== "batch" || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target instanceof HTMLInputElement) return;
    const key = event.key;
    const handled = {
      ArrowRight: () => focusTile(state.focus + 1),
      ArrowDown: () => focusTile(state.focus + columns()),
      ArrowLeft: () => focusTile(state.focus - 1),
      ArrowUp: () => focusTile(state.focus - columns()),
      y: () => { answer(state.focus, 1); focusTile(state.focus + 1); },
      n: () => { answer(state.focus, 0); focusTile(state.focus + 1); },
      Enter: () => submit(),
    }[key.length === 1 ? key.toLowerCase() : key];
    if (handled) {
      // Enter on a focused button keeps its own meaning
      if (key === "Enter" && event.target instanceof HTMLButtonElement) return;
      event.preventDefault();
      handled();
    }
  }

  function columns() {
    const all = tiles();
    if (all.length < 2) return 1;
    const top = all[0].offsetTop;
    const n = all.findIndex((t) => t.offsetTop !== top);
    return n < 0 ? all.length : n;
  }

  function signOut() {
    Labelling.forget(state.campaignId);
    state.auth = null;
    state.batch = null;
    renderWho();
    setView("login");
  }

  function start() {
    state.campaignId = Labelling.campaignFromUrl();
    $("campaign-id").value = state.campaignId;
    if (state.campaignId) {
      $("campaign-id").closest("form").classList.add("has-campaign");
      $("gallery-link").href = `/gallery?campaign=${encodeURIComponent(state.campaignId)}`;
    }
    $("client-id").value = Labelling.clientId();
    $("login-form").addEventListener("submit", signIn);
    $("retry-batch").addEventListener("click", nextBatch);
    $("next-batch").addEventListener("click", nextBatch);
    $("submit-batch").addEventListener("click", submit);
    $("rest-no").addEventListener("click", restNo);
    $("sign-out").addEventListener("click", signOut);
    document.addEventListener("keydown", onKey);
    state.auth = state.campaignId ? Labelling.session(state.campaignId) : null;
    renderWho();
    if (state.auth) {
      loadCampaign();
      nextBatch();
    } else {
      setView("login");
      $(state.campaignId ? "client-id" : "campaign-id").focus();
    }
  }

  start();
})();
