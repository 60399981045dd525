// One version as its message shows it in Discord: the lyrics with the prosody view, the melody summary, the
// score image, the audio preview, the files, the footer that discloses the AI, and the buttons under it.

import { clockTime, el, initial } from "./dom.js";


export function botAvatar() {
  return el("div", { class: "avatar bot", "aria-hidden": "true", text: "SO" });
}

export function messageHead(name, at, { bot = true } = {}) {
  return el(
    "div",
    { class: "message-head" },
    el("span", { class: "author", text: name }),
    bot ? el("span", { class: "badge", text: "APP" }) : null,
    at ? el("time", { text: clockTime(at) }) : null,
  );
}

// The line Discord shows over a command's answer: "Ana used Revise".
function usedLine(version, song) {
  let who = null;
  let what = null;
  if (version.kind === "ai-draft") {
    who = song.owner;
    what = version.prosody ? (version.melody ? "/cowrite song" : "/cowrite lyrics") : "/cowrite melody";
  } else if (!version.by_ai) {
    [who, what] = [version.author, "Revise"];
  }
  if (!who) return null;
  return el("div", { class: "used" }, el("span", { class: "used-name", text: who }), ` used ${what}`);
}

function prosody(version) {
  if (!version.prosody) {
    return el("p", { class: "instrumental", text: "Instrumental sketch: no lyrics yet. Revise it with words in the thread." });
  }
  return el(
    "div",
    { class: "prosody", role: "table", "aria-label": "Lyrics with syllables and rhyme letters" },
    version.prosody.map((section) =>
      el(
        "div",
        { class: "section", role: "rowgroup" },
        el("div", { class: "section-label", role: "row" }, `[${section.label}] `, el("span", { class: "scheme", text: section.scheme })),
        section.lines.map((line) =>
          el(
            "div",
            { class: line.flag ? "line flagged" : "line", role: "row" },
            el("span", { class: "syllables", role: "cell", title: "syllables", text: String(line.syllables) }),
            el("span", { class: "rhyme", role: "cell", title: "rhyme", text: line.rhyme }),
            el("span", { class: "text", role: "cell", text: line.text }),
            line.flag ? el("span", { class: "flag", role: "cell", text: `⚠ ${line.flag}` }) : null,
          ),
        ),
      ),
    ),
  );
}

function media(version) {
  if (!version.melody) return null;
  return el(
    "div",
    { class: "media" },
    el("div", { class: "field" }, el("div", { class: "field-name", text: "Melody" }), el("div", { text: version.melody })),
    el("img", { class: "score", src: version.score, alt: `Score of ${version.title}`, loading: "lazy" }),
    el("audio", { class: "preview", controls: true, preload: "metadata", src: version.audio }),
  );
}

function downloads(version) {
  const links = version.files.map((file) =>
    el("a", { class: "file", href: `${file.url}?download=1`, download: "", text: file.label }),
  );
  links.push(el("a", { class: "file", href: version.export, download: "", text: "Export .zip" }));
  return el("div", { class: "files" }, el("span", { class: "files-label", text: "Files" }), links);
}

// The buttons under a version, as under its Discord message (bot/draft_buttons.py): Add melody under words
// without music, New melody under words with music; Notes under a member's version, Remix under the AI's.
// A version whose work is running (handlers.busy) shows them disabled, so a second click cannot hit the cooldown.
function versionActions(version, handlers) {
  const buttons = [];
  if (version.prosody) buttons.push(version.melody ? ["newmelody", "New melody", "secondary"] : ["melody", "Add melody", "primary"]);
  buttons.push(["regenerate", "Regenerate", "secondary"]);
  buttons.push(["revise", "Revise", "success"]);
  if (version.prosody && !version.by_ai) buttons.push(["notes", "Notes", "secondary"]);
  if (version.prosody && version.by_ai) buttons.push(["remix", "Remix", "secondary"]);
  buttons.push(["soundoff", "Start sound-off", "secondary"]);
  buttons.push(["delete", "Delete", "danger"]);
  const busy = handlers.busy ? handlers.busy(version) : false;
  return el(
    "div",
    { class: "actions" },
    buttons.map(([action, label, style]) =>
      el("button", {
        type: "button",
        class: `action ${style}`,
        dataset: { action, version: String(version.number), song: String(version.song_id) },
        disabled: busy,
        text: label,
        onclick: () => handlers[action](version),
      }),
    ),
  );
}

export function versionMessage(version, song, handlers, { inThread = false } = {}) {
  const embed = el(
    "div",
    { class: version.by_ai ? "embed ai" : "embed member" },
    el("div", { class: "embed-title", text: version.title }),
    version.heading ? el("div", { class: "field" }, el("div", { class: "field-name", text: "What changed" }), el("div", { text: version.heading })) : null,
    prosody(version),
    media(version),
    version.notes.length
      ? el("div", { class: "field notes" }, el("div", { class: "field-name", text: "Notes" }), version.notes.map((n) => el("div", { text: n })))
      : null,
    downloads(version),
    el("div", { class: "embed-footer", text: version.footer }),
  );
  const thread = inThread
    ? null
    : el(
        "button",
        { type: "button", class: "thread-chip", onclick: () => handlers.openThread(song.id) },
        el("span", { class: "thread-title", text: song.title }),
        el("span", { class: "thread-count", text: `${song.versions} version${song.versions === 1 ? "" : "s"} · open thread ›` }),
      );
  return el(
    "article",
    { class: "message", id: `song-${song.id}-v${version.number}`, dataset: { song: String(song.id), number: String(version.number) } },
    botAvatar(),
    el(
      "div",
      { class: "message-body" },
      usedLine(version, song),
      messageHead("Sound Off", version.created_at),
      embed,
      versionActions(version, handlers),
      el("div", { class: "inline-slot" }),
      thread,
    ),
  );
}

export function memberAvatar(member) {
  return el("div", { class: `avatar ${member ? member.colour : "grey"}`, "aria-hidden": "true", text: initial(member ? member.name : "?") });
}
