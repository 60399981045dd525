// Sound-offs in the channel: the ballot (options, previews, one vote button each, the vote count but never
// the tallies while it is open) and, once it closes, the results posted under it with the chart and the reveal.

import { el, until } from "./dom.js";
import { botAvatar, messageHead } from "./version.js";

function statusLine(view) {
  const votes = `${view.votes} vote${view.votes === 1 ? "" : "s"} so far`;
  const closes = view.open
    ? el("span", { class: "countdown", dataset: { closesAt: String(view.closes_at) }, text: `closes ${until(view.closes_at)}` })
    : "closed";
  return el(
    "div",
    { class: "status" },
    el("div", {}, el("span", { class: "vote-count", text: votes }), " · ", closes),
    el("div", {
      class: "status-note",
      text: view.open
        ? `${view.blind ? "Blind: authors are hidden until it closes. " : ""}Tallies stay hidden until the end.`
        : `${view.results ? view.results.tally : "Closed"} (results below).`,
    }),
  );
}

function option(view, shown) {
  const title = shown.who ? `Option ${shown.label} · ${shown.who}` : `Option ${shown.label}`;
  return el(
    "div",
    { class: "embed option", dataset: { label: shown.label } },
    el("div", { class: "embed-title", text: title }),
    shown.lyrics ? el("pre", { class: "excerpt", text: shown.lyrics }) : el("p", { class: "instrumental", text: "(instrumental)" }),
    shown.audio ? el("audio", { class: "preview", controls: true, preload: "metadata", src: shown.audio }) : null,
  );
}

// ``note`` is what only the acting member sees under it (their vote, or why it was refused).
export function soundoffMessage(view, handlers, note) {
  const buttons = view.options.map((shown) =>
    el("button", {
      type: "button",
      class: "action primary vote",
      dataset: { label: shown.label },
      disabled: !view.open,
      text: `Vote ${shown.label}`,
      onclick: () => handlers.vote(view, shown.label),
    }),
  );
  if (view.open) {
    buttons.push(el("button", { type: "button", class: "action secondary end", text: "End now", onclick: () => handlers.end(view) }));
  }
  return el(
    "article",
    { class: "message soundoff", id: `soundoff-${view.id}`, dataset: { soundoff: String(view.id) } },
    botAvatar(),
    el(
      "div",
      { class: "message-body" },
      messageHead("Sound Off", view.opened_at),
      el("div", { class: "soundoff-title" }, view.open ? "Sound-off: " : "Sound-off closed: ", el("strong", { text: view.title })),
      statusLine(view),
      el("div", { class: "ballot-options" }, view.options.map((shown) => option(view, shown))),
      el("div", { class: "actions" }, buttons),
      note ? ephemeralNote(note.text, note.kind) : null,
    ),
  );
}

export function ephemeralNote(text, kind = "note") {
  return el(
    "div",
    { class: `ephemeral ${kind}`, role: kind === "error" ? "alert" : "status" },
    el("span", { class: "only-you", text: "Only you can see this" }),
    el("div", { text }),
  );
}

export function resultsMessage(view) {
  const results = view.results;
  return el(
    "article",
    { class: "message results", id: `results-${view.id}`, dataset: { soundoff: String(view.id) } },
    botAvatar(),
    el(
      "div",
      { class: "message-body" },
      el("div", { class: "reply-to" }, "replying to ", el("span", { text: `Sound-off: ${view.title}` })),
      messageHead("Sound Off", view.closed_at),
      el("div", { class: "results-title", text: `Sound-off results · ${results.total} vote${results.total === 1 ? "" : "s"}` }),
      el(
        "div",
        { class: "tally" },
        results.options.map((row) => {
          const bar = el("span", { class: row.winner ? "bar winner" : "bar" });
          bar.style.width = `${Math.max(2, Math.round(row.share * 100))}%`;
          return el(
            "div",
            { class: row.winner ? "tally-row winner" : "tally-row", dataset: { label: row.label } },
            el("div", { class: "tally-label" }, el("strong", { text: row.label }), ` — ${row.votes} vote${row.votes === 1 ? "" : "s"} (${row.percent}) · ${row.who}`, row.winner ? el("span", { class: "trophy", text: " ★ winner" }) : null),
            el("div", { class: "bar-track" }, bar),
          );
        }),
      ),
      el("p", { class: "results-summary", text: results.summary }),
      el("p", { class: "reveal", text: results.reveal }),
      el("img", { class: "chart", src: results.chart, alt: `Results chart: ${results.summary}` }),
    ),
  );
}

export function statsPanel(stats) {
  if (!stats.held) {
    return el("p", { class: "stats-empty", text: "No sound-offs have closed on this server yet. Start one under a song's version." });
  }
  return el(
    "div",
    { class: "stats" },
    el("div", { class: "tool-summary", text: `Sound-offs on this server · ${stats.held} held` }),
    el(
      "dl",
      { class: "stat-grid" },
      [
        ["AI wins", stats.ai_wins],
        ["Member wins", stats.human_wins],
        ["Ties", stats.ties],
        ["Closed without votes", stats.no_votes],
        ["Mean winning margin", stats.mean_margin === null ? "—" : `${stats.mean_margin.toFixed(1)} votes`],
      ].map(([name, value]) => el("div", { class: "stat" }, el("dt", { text: name }), el("dd", { text: String(value) }))),
    ),
    stats.top_revisers.length
      ? el("div", { class: "top-revisers" }, el("div", { class: "field-name", text: "Top revisers" }), el("ol", {}, stats.top_revisers.map((r) => el("li", { text: `${r.name} (${r.wins} win${r.wins === 1 ? "" : "s"})` }))))
      : null,
  );
}
