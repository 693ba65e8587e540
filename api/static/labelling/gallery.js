// /gallery: browse a campaign's clips by kind; researchers set states and mark golds.
"use strict";

(() => {
  const { el, gql, showError, clearError } = Labelling;
  const $ = (id) => document.getElementById(id);
  const PAGE = 24;

  // [kind, tab title, researchers and experts only]
  const KINDS = [
    ["POSITIVE", "Positive", false],
    ["NEGATIVE", "Negative", false],
    ["MAYBE_POSITIVE", "Maybe positive", false],
    ["MAYBE_NEGATIVE", "Maybe negative", false],
    ["DISCORD", "Discord", false],
    ["GOLD_POSITIVE", "Gold positive", true],
    ["GOLD_NEGATIVE", "Gold negative", true],
    ["RESEARCHER_POSITIVE", "Researcher positive", true],
    ["RESEARCHER_NEGATIVE", "Researcher negative", true],
    ["CITIZEN_POSITIVE", "Citizen positive", true],
    ["CITIZEN_NEGATIVE", "Citizen negative", true],
    ["BAD", "Bad", true],
  ];
  // label-state codes a researcher may set from the gallery (the reference's dropdown)
  const SETTABLE = [
    [47, "Gold +"], [32, "Gold −"], [23, "Positive"], [16, "Negative"], [-2, "Bad"],
    [-1, "Reset"],
  ];
  const STATE_NAMES = {
    47: "gold +", 32: "gold −", 23: "strong +", 16: "strong −", 19: "weak +", 20: "weak −",
    15: "medium +", 12: "medium −", 5: "maybe +", 4: "maybe −", 3: "discord", "-1": "no data",
    "-2": "bad",
  };

  const GALLERY = `query Gallery($campaignId: ID!, $kind: GalleryKind!, $first: Int, $after: String) {
    labellingGallery(campaignId: $campaignId, kind: $kind, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id sessionId startFrame endFrame url labelState labelStateAdmin label labelSource posterior } }
    }
  }`;
  const SET_STATES = `mutation SetStates($campaignId: ID!, $items: [ClipAnswer!]!) {
    setLabelStates(campaignId: $campaignId, items: $items) { id labelState labelStateAdmin label labelSource }
  }`;
  const STATS = `query Stats($id: ID!) {
    labellingStatistics(campaignId: $id) { numAllVideos numFullyLabeled numPartiallyLabeled }
  }`;

  const state = { campaignId: "", auth: null, kind: "POSITIVE", after: null, shown: 0 };

  const isPrivileged = () =>
    state.auth && ["RESEARCHER", "EXPERT"].includes(state.auth.labeller.type);
  const isResearcher = () => state.auth && state.auth.labeller.type === "RESEARCHER";

  function fail(err) {
    if (err instanceof Labelling.ApiError && err.needsSignIn) {
      Labelling.forget(state.campaignId);
      state.auth = null;
      renderWho();
      $("main").dataset.view = "login";
    }
    showError($("error"), err.needsSignIn
      ? new Labelling.ApiError(`Please sign in again — ${err.message}.`, err.code) : err);
  }

  function renderWho() {
    $("who").hidden = !state.auth;
    if (!state.auth) return;
    $("who-name").textContent = state.auth.labeller.clientId;
    $("who-type").textContent = Labelling.typeName(state.auth.labeller.type);
  }

  function renderTabs() {
    const tabs = KINDS.filter(([, , privileged]) => !privileged || isPrivileged()).map(
      ([kind, title, privileged]) => el("button", {
        type: "button", role: "tab", id: `tab-${kind}`, class: privileged ? "admin-only" : null,
        "aria-selected": String(kind === state.kind), dataset: { kind },
        onclick: () => selectKind(kind),
      }, title),
    );
    $("tabs").replaceChildren(...tabs);
  }

  function selectKind(kind) {
    state.kind = kind;
    const url = new URL(window.location.href);
    url.searchParams.set("kind", kind);
    window.history.replaceState(null, "", url);
    renderTabs();
    loadPage(true);
  }

  function stateText(code) {
    if (code === null || code === undefined) return null;
    return `${STATE_NAMES[code] || "state"} (${code})`;
  }

  function tile(clip) {
    const video = el("video", {
      src: clip.url, muted: true, loop: true, autoplay: true, playsinline: true,
      preload: "auto", "aria-label": `clip ${clip.id}`, title: "click to pause or play",
    });
    video.muted = true;
    Labelling.loopWindow(video);
    video.addEventListener("click", () => (video.paused ? video.play() : video.pause()));
    const meta = el("div", { class: "meta" },
      el("span", {}, "frames ", el("b", {}, `${clip.startFrame}–${clip.endFrame}`)),
      clip.label === null || clip.label === undefined ? null
        : el("span", { class: clip.label ? "label-yes" : "label-no" }, clip.label ? "yes" : "no"),
      clip.labelSource ? el("span", {}, "by ", el("b", {}, clip.labelSource)) : null,
      clip.labelState !== null && clip.labelState !== undefined
        ? el("span", { class: "citizen-state" }, "citizens ", el("b", {}, stateText(clip.labelState))) : null,
      clip.labelStateAdmin !== null && clip.labelStateAdmin !== undefined
        ? el("span", { class: "admin-state" }, "researcher ", el("b", {}, stateText(clip.labelStateAdmin))) : null,
      typeof clip.posterior === "number"
        ? el("span", {}, "P(yes) ", el("b", {}, clip.posterior.toFixed(2))) : null,
    );
    const node = el("figure", { class: "tile", role: "listitem", dataset: { clip: clip.id } },
      el("div", { class: "media" }, video), meta);
    if (isResearcher()) {
      const select = el("select", { "aria-label": `state for clip ${clip.id}` },
        el("option", { value: "" }, "Set state…"),
        ...SETTABLE.map(([code, name]) => el("option", { value: String(code) }, `${name} (${code})`)));
      const button = el("button", { type: "button", class: "apply", disabled: true,
        onclick: () => setState(clip.id, Number(select.value), node, button) }, "Apply");
      select.addEventListener("change", () => { button.disabled = select.value === ""; });
      node.append(el("div", { class: "set-state" }, select, button));
    }
    return node;
  }

  async function setState(clipId, code, node, button) {
    clearError($("error"));
    button.disabled = true;
    button.textContent = "Saving…";
    try {
      await gql(SET_STATES, { campaignId: state.campaignId, items: [{ clipId, label: code }] },
        state.auth.token);
      node.classList.add("saved");
      button.textContent = "Saved";
      loadStats();
    } catch (err) {
      button.textContent = "Apply";
      button.disabled = false;
      fail(err);
    }
  }

  async function loadPage(fresh) {
    clearError($("error"));
    if (fresh) {
      state.after = null;
      state.shown = 0;
      $("grid").replaceChildren();
    }
    const title = KINDS.find(([k]) => k === state.kind);
    $("kind-title").textContent = title ? title[1] : state.kind;
    $("more").disabled = true;
    $("grid").setAttribute("aria-busy", "true");
    try {
      const { data } = await gql(GALLERY, {
        campaignId: state.campaignId, kind: state.kind, first: PAGE, after: state.after,
      }, state.auth.token);
      const page = data.labellingGallery;
      $("grid").append(...page.edges.map((e) => tile(e.node)));
      state.shown += page.edges.length;
      state.after = page.pageInfo.endCursor;
      $("count").textContent = `${state.shown} of ${page.totalCount} shown`;
      $("empty-note").hidden = page.totalCount > 0;
      $("more").hidden = !page.pageInfo.hasNextPage;
    } catch (err) {
      fail(err);
    } finally {
      $("more").disabled = false;
      $("grid").removeAttribute("aria-busy");
      $("main").dataset.view = state.auth ? "gallery" : "login";
    }
  }

  async function loadStats() {
    try {
      const { data } = await gql(STATS, { id: state.campaignId }, state.auth.token);
      const s = data.labellingStatistics;
      $("stats").textContent =
        `${s.numFullyLabeled} of ${s.numAllVideos} clips fully labelled · ${s.numPartiallyLabeled} partially`;
    } catch (_) {
      $("stats").textContent = "";
    }
  }

  function opened() {
    $("label-link").href = `/label?campaign=${encodeURIComponent(state.campaignId)}`;
    if (!isPrivileged() && KINDS.find(([k, , p]) => k === state.kind && p)) state.kind = "POSITIVE";
    renderWho();
    renderTabs();
    loadStats();
    return loadPage(true);
  }

  async function signIn(event) {
    event.preventDefault();
    clearError($("error"));
    const campaignId = $("campaign-id").value.trim();
    const clientId = $("client-id").value.trim();
    if (!campaignId || !clientId) return;
    state.campaignId = campaignId;
    $("main").dataset.view = "loading";
    try {
      state.auth = await Labelling.login(campaignId, clientId);
      const url = new URL(window.location.href);
      url.searchParams.set("campaign", campaignId);
      window.history.replaceState(null, "", url);
      await opened();
    } catch (err) {
      $("main").dataset.view = "login";
      fail(err);
    }
  }

  function start() {
    const params = new URLSearchParams(window.location.search);
    state.campaignId = Labelling.campaignFromUrl();
    const kind = (params.get("kind") || "").toUpperCase();
    if (KINDS.some(([k]) => k === kind)) state.kind = kind;
    $("campaign-id").value = state.campaignId;
    if (state.campaignId) $("campaign-id").closest("form").classList.add("has-campaign");
    $("client-id").value = Labelling.clientId();
    $("login-form").addEventListener("submit", signIn);
    $("more").addEventListener("click", () => loadPage(false));
    $("sign-out").addEventListener("click", () => {
      Labelling.forget(state.campaignId);
      state.auth = null;
      renderWho();
      $("main").dataset.view = "login";
    });
    state.auth = state.campaignId ? Labelling.session(state.campaignId) : null;
    if (state.auth) {
      $("main").dataset.view = "loading";
      opened();
    } else {
      $("main").dataset.view = "login";
      $(state.campaignId ? "client-id" : "campaign-id").focus();
    }
  }

  start();
})();
