// Shared by /label and /gallery: GraphQL over fetch with the labeller's bearer token,
// the token kept per campaign in sessionStorage, and small DOM helpers.
// Plain ES2020, no build step and nothing fetched from another origin.
"use strict";

const Labelling = (() => {
  const TOKEN_KEY = "reelgraph.labelling.token.";
  const CLIENT_KEY = "reelgraph.labelling.clientId";
  // error codes that mean "sign in again" rather than "try again"
  const SIGN_IN_AGAIN = new Set([
    "UNAUTHENTICATED", "INVALID_TOKEN", "TOKEN_EXPIRED", "TOKEN_REVOKED",
    "LABELLER_BLACKLISTED", "WRONG_CAMPAIGN", "LABELLER_ONLY",
  ]);

  class ApiError extends Error {
    constructor(message, code, extensions) {
      super(message);
      this.code = code || "ERROR";
      this.extensions = extensions || {};
    }
    get needsSignIn() {
      return SIGN_IN_AGAIN.has(this.code);
    }
  }

  function campaignFromUrl() {
    return new URLSearchParams(window.location.search).get("campaign") || "";
  }

  function session(campaignId) {
    try {
      const raw = sessionStorage.getItem(TOKEN_KEY + campaignId);
      if (!raw) return null;
      const saved = JSON.parse(raw);
      if (!saved.token || Date.now() >= saved.expiresAt) return null;
      return saved;
    } catch (_) {
      return null;
    }
  }

  function saveSession(campaignId, login) {
    const saved = {
      token: login.token,
      expiresAt: Date.now() + login.expiresIn * 1000,
      labeller: login.labeller,
    };
    sessionStorage.setItem(TOKEN_KEY + campaignId, JSON.stringify(saved));
    return saved;
  }

  function forget(campaignId) {
    sessionStorage.removeItem(TOKEN_KEY + campaignId);
  }

  // A stable anonymous client id per browser, like the reference tool's testing path.
  function clientId() {
    let id = localStorage.getItem(CLIENT_KEY);
    if (!id) {
      id = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
      localStorage.setItem(CLIENT_KEY, id);
    }
    return id;
  }

  function rememberClientId(id) {
    localStorage.setItem(CLIENT_KEY, id);
  }

  // POST a GraphQL operation; resolves to {data, extensions}, rejects with ApiError.
  async function gql(query, variables, token) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    let response;
    try {
      response = await fetch("/graphql", {
        method: "POST",
        headers,
        body: JSON.stringify({ query, variables: variables || {} }),
        credentials: "omit",
      });
    } catch (err) {
      throw new ApiError("The server cannot be reached. Check your connection and retry.", "NETWORK");
    }
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      throw new ApiError(`The server answered ${response.status} without a readable body.`, "HTTP_" + response.status);
    }
    const errors = (body && body.errors) || [];
    if (errors.length) {
      const first = errors[0];
      const ext = first.extensions || {};
      throw new ApiError(first.message || "Request failed", ext.code, ext);
    }
    if (!response.ok) {
      throw new ApiError(`The server answered ${response.status}.`, "HTTP_" + response.status);
    }
    return { data: body.data || {}, extensions: body.extensions || {} };
  }

  const LOGIN = `mutation Login($campaignId: ID!, $clientId: String) {
    labellingLogin(campaignId: $campaignId, clientId: $clientId) {
      token expiresIn labeller { id clientId type score rawScore reliability }
    }
  }`;

  async function login(campaignId, id) {
    const { data } = await gql(LOGIN, { campaignId, clientId: id });
    rememberClientId(id);
    return saveSession(campaignId, data.labellingLogin);
  }

  // Element helper: el("div", {class: "x", onclick: fn}, child, "text", ...)
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function showError(box, err) {
    box.replaceChildren(
      el("strong", {}, err.code && err.code !== "ERROR" ? `${err.code}: ` : "Error: "),
      err.message || String(err),
    );
    box.hidden = false;
  }

  function clearError(box) {
    box.hidden = true;
    box.replaceChildren();
  }

  const TYPE_NAMES = {
    RESEARCHER: "researcher", EXPERT: "expert", AMATEUR: "amateur",
    LAYPERSON: "layperson", BLACKLISTED: "blacklisted",
  };

  function typeName(type) {
    return TYPE_NAMES[type] || String(type || "").toLowerCase();
  }

  // A clip URL ends in "#t=0,<seconds>": the browser stops there (a stream copy may run a few
  // frames past the window); start it again from the window's start, as `loop` would.
  function loopWindow(video) {
    const m = /#t=([\d.]*),([\d.]+)$/.exec(video.getAttribute("src") || "");
    if (!m) return video;
    const start = parseFloat(m[1] || "0");
    const end = parseFloat(m[2]);
    const rewind = () => {
      if (video.currentTime >= end - 0.02) {
        video.currentTime = start;
        video.play().catch(() => {});
      }
    };
    video.addEventListener("pause", rewind);
    video.addEventListener("timeupdate", rewind);
    return video;
  }

  return {
    ApiError, campaignFromUrl, session, saveSession, forget, clientId, gql, login, el,
    showError, clearError, typeName, loopWindow,
  };
})();
