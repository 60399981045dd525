// The playground page: the channel (drafts, sound-offs, results), the threads list, the member switcher, the
// brief form, live updates from the server, and the side panel (a song's thread, or the server's stats).

import { get, post } from "./api.js";
import { clear, el, initial, reconcile, until } from "./dom.js";
import { ephemeralNote, resultsMessage, soundoffMessage, statsPanel } from "./soundoff.js";
import { Thread } from "./thread.js";
import { versionMessage } from "./version.js";

const PROGRESS = {
  song: "Writing lyrics, then composing a melody and rendering its score and audio…",
  lyrics: "Writing lyrics…",
  instrumental: "Composing an instrumental sketch…",
};

const state = { boot: null, durations: [], member: "you", ephemeral: new Map(), panel: null };
const $ = (id) => document.getElementById(id);

function currentMember() {
  return state.boot.members.find((m) => m.key === state.member);
}

// A "Sound Off is thinking…" message with the seconds it has taken so far; done() removes it.
function pending(text) {
  const started = Date.now();
  const seconds = el("span", { class: "elapsed", text: "0 s" });
  const node = el(
    "div",
    { class: "message pending-message", role: "status" },
    el("div", { class: "avatar bot", "aria-hidden": "true", text: "SO" }),
    el("div", { class: "message-body" }, el("div", { class: "message-head" }, el("span", { class: "author", text: "Sound Off" }), el("span", { class: "badge", text: "APP" })), el("div", { class: "thinking" }, el("span", { class: "dots", "aria-hidden": "true" }), ` ${text} `, seconds)),
  );
  const timer = setInterval(() => (seconds.textContent = `${Math.round((Date.now() - started) / 1000)} s`), 500);
  return { node, done: () => (clearInterval(timer), node.remove()) };
}

const app = {
  get boot() {
    return state.boot;
  },
  get durations() {
    return state.durations;
  },
  member: () => state.member,
  memberName: () => currentMember().name,
  pending,
  refreshChannel: () => refreshChannel(),
  onThreadClosed: () => {
    state.panel = null;
    highlightThread();
  },
  showSoundoff: async (id) => {
    await refreshChannel();
    const node = $(`soundoff-${id}`);
    if (node) node.scrollIntoView({ block: "start", behavior: "smooth" });
  },
  notice: (text) => {
    const note = ephemeralNote(text);
    $("pending").append(note);
    setTimeout(() => note.remove(), 10000);
  },
};

const thread = new Thread($("panel"), app);

app.handlers = {
  openThread: (songId) => openThread(songId),
  busy: (v) => thread.isBusy(v),
  melody: async (v) => (await openThread(v.song_id), thread.melody(v)),
  newmelody: async (v) => (await openThread(v.song_id), thread.melody(v)),
  remix: async (v) => (await openThread(v.song_id), thread.remix(v)),
  notes: async (v) => (await openThread(v.song_id), thread.notes(v)),
  regenerate: async (v) => {
    await openThread(v.song_id);
    if (v.section_labels.length >= 2) thread.chooseRegeneration(v);
    else thread.regenerate(v);
  },
  revise: async (v) => (await openThread(v.song_id), thread.revise(v)),
  soundoff: async (v) => (await openThread(v.song_id), thread.startSoundoff(v)),
  delete: async (v) => (await openThread(v.song_id), thread.confirmDelete(v)),
};

async function openThread(songId) {
  state.panel = "thread";
  await thread.open(songId);
  highlightThread();
}

const ballotHandlers = {
  vote: async (view, label) => {
    try {
      const answer = await post(`/api/soundoffs/${view.id}/votes`, { member: state.member, label });
      state.ephemeral.set(view.id, { member: state.member, text: answer.message, kind: "note" });
    } catch (error) {
      state.ephemeral.set(view.id, { member: state.member, text: error.message, kind: "error" });
    }
    await refreshChannel();
  },
  end: async (view) => {
    try {
      await post(`/api/soundoffs/${view.id}/end`, { member: state.member });
      state.ephemeral.delete(view.id);
    } catch (error) {
      state.ephemeral.set(view.id, { member: state.member, text: error.message, kind: "error" });
    }
    await refreshChannel();
  },
};

let refreshing = null;
let again = false;

// Re-read the channel; calls that arrive while one runs are folded into one more run after it.
async function refreshChannel() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      await drawChannel();
    } while (again);
  })().finally(() => (refreshing = null));
  return refreshing;
}

async function drawChannel() {
  const messages = $("messages");
  const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
  const channel = await get("/api/channel");
  const soundoffs = await Promise.all(channel.soundoffs.map((id) => get(`/api/soundoffs/${id}`)));
  const items = channel.songs.map((entry) => ({
    at: entry.song.created_at,
    key: `song-${entry.song.id}`,
    data: entry,
    render: (e) => versionMessage(e.version, e.song, app.handlers),
  }));
  for (const view of soundoffs) {
    const note = state.ephemeral.get(view.id);
    const mine = note && note.member === state.member ? note : null;
    items.push({
      at: view.opened_at ?? Date.now() / 1000,
      key: `soundoff-${view.id}`,
      data: { view, note: mine },
      render: ({ view: v, note: n }) => soundoffMessage(v, ballotHandlers, n),
    });
    if (view.results) items.push({ at: view.closed_at, key: `results-${view.id}`, data: view, render: resultsMessage });
  }
  items.sort((a, b) => a.at - b.at);
  reconcile($("posts"), items);
  $("welcome").hidden = channel.songs.length > 0;
  drawThreads(channel.songs);
  if (atBottom) messages.scrollTop = messages.scrollHeight;
}

function drawThreads(songs) {
  reconcile(
    $("threads"),
    songs.map((entry) => ({
      key: `thread-${entry.song.id}`,
      data: { id: entry.song.id, title: entry.song.title, versions: entry.song.versions },
      render: (t) =>
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", class: "thread-link", dataset: { song: String(t.id) }, onclick: () => openThread(t.id) },
            el("span", { class: "thread-branch", "aria-hidden": "true", text: "↳" }),
            el("span", { class: "thread-name", text: t.title }),
            el("span", { class: "thread-versions", text: String(t.versions) }),
          ),
        ),
    })),
  );
  highlightThread();
}

function highlightThread() {
  for (const link of document.querySelectorAll(".thread-link")) {
    link.classList.toggle("active", state.panel === "thread" && Number(link.dataset.song) === thread.songId);
  }
}

async function showStats() {
  thread.close();
  state.panel = "stats";
  highlightThread();
  const panel = $("panel");
  const body = el("div", { class: "panel-body" });
  clear(panel).append(
    el(
      "header",
      { class: "panel-header" },
      el("span", { class: "thread-icon", "aria-hidden": "true", text: "▤" }),
      el("div", { class: "panel-titles" }, el("span", { class: "panel-title", text: "Server stats" }), el("span", { class: "panel-subtitle", text: "Does the human touch win?" })),
      el("button", { type: "button", class: "close", "aria-label": "Close stats", text: "×", onclick: () => ((state.panel = null), thread.close()) }),
    ),
    body,
  );
  panel.hidden = false;
  try {
    body.append(statsPanel(await get("/api/stats")));
  } catch (error) {
    body.append(el("div", { class: "form-error", text: error.message }));
  }
}

function setMember(key) {
  state.member = key;
  const member = currentMember();
  const avatar = $("me-avatar");
  avatar.className = `avatar ${member.colour}`;
  avatar.textContent = initial(member.name);
  refreshChannel();
}

function fillBriefForm(boot) {
  const options = (select, values, blank) => {
    if (blank) select.append(el("option", { value: "", text: blank }));
    for (const value of values) select.append(typeof value === "string" ? el("option", { value, text: value }) : el("option", { value: value.value, text: value.label }));
  };
  options($("brief-what"), boot.what);
  // An instrumental is music alone: it needs no theme (the server asks for one only for words).
  const needsTheme = () => ($("brief-theme").required = $("brief-what").value !== "instrumental");
  $("brief-what").addEventListener("change", needsTheme);
  needsTheme();
  options($("brief-form"), boot.forms);
  options($("brief-meter"), boot.meters, "from the style");
  for (const scheme of boot.rhyme_schemes) $("rhyme-schemes").append(el("option", { value: scheme }));
  for (const key of boot.keys) $("keys").append(el("option", { value: key }));
  const form = $("brief");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("brief-error");
    const submit = $("brief-submit");
    error.textContent = "";
    const body = { member: state.member, ...Object.fromEntries(new FormData(form)) };
    const progress = pending(PROGRESS[body.what] || PROGRESS.song);
    $("pending").append(progress.node);
    $("messages").scrollTop = $("messages").scrollHeight;
    submit.disabled = true;
    try {
      const made = await post("/api/songs", body);
      form.elements.theme.value = "";
      form.querySelector("details").open = false;
      await refreshChannel();
      const node = $(`song-${made.song.id}-v1`);
      if (node) node.scrollIntoView({ block: "start" });
    } catch (failure) {
      error.textContent = failure.message;
    } finally {
      progress.done();
      submit.disabled = false;
    }
  });
}

function listen() {
  let timer = null;
  const events = new EventSource("/api/events");
  events.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    clearTimeout(timer);
    timer = setTimeout(() => {
      refreshChannel();
      if (state.panel === "thread" && event.song_id === thread.songId) thread.refresh();
      if (state.panel === "stats" && event.kind === "soundoff-closed") showStats();
    }, 150);
  });
}

function tick() {
  for (const node of document.querySelectorAll(".countdown")) {
    const at = Number(node.dataset.closesAt);
    node.textContent = at * 1000 > Date.now() ? `closes ${until(at)}` : "closing…";
  }
}

async function start() {
  [state.boot, state.durations] = await Promise.all([get("/api/bootstrap"), get("/api/soundoff-durations")]);
  const select = $("member");
  for (const m of state.boot.members) select.append(el("option", { value: m.key, text: m.moderator ? `${m.name} (moderator)` : m.name }));
  select.addEventListener("change", () => setMember(select.value));
  fillBriefForm(state.boot);
  $("stats-button").addEventListener("click", showStats);
  $("channel-link").addEventListener("click", () => $("messages").scrollTo({ top: $("messages").scrollHeight }));
  setMember(select.value);
  listen();
  setInterval(tick, 1000);
  document.body.dataset.ready = "true";
}

start().catch((error) => {
  document.body.append(el("div", { class: "fatal", role: "alert", text: `The playground could not start: ${error.message}` }));
});
