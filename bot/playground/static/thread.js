// A song's thread, in the side panel as Discord opens threads: every version with its buttons, the inline
// forms those buttons open (Revise, Regenerate's choice, Start sound-off, Delete), and the library's tabs
// (History, Diff, Credits).

import { get, post, remove } from "./api.js";
import { clear, el, reconcile } from "./dom.js";
import { versionMessage } from "./version.js";

export class Thread {
  constructor(panel, app) {
    this.panel = panel;
    this.app = app; // { member(), boot, durations, refreshChannel(), pending(text), showSoundoff(id), handlers }
    this.songId = null;
    this.detail = null;
    this.tab = "versions";
    this.running = new Set(); // "song:version" keys whose generating work is running
  }

  isBusy(version) {
    return this.running.has(`${version.song_id}:${version.number}`);
  }

  // Disable (or enable again) every button of a version, in the thread and in the channel, while its work runs.
  setBusy(version, busy) {
    const key = `${version.song_id}:${version.number}`;
    if (busy) this.running.add(key);
    else this.running.delete(key);
    const selector = `.actions button[data-song="${version.song_id}"][data-version="${version.number}"]`;
    for (const button of document.querySelectorAll(selector)) button.disabled = busy;
  }

  get isOpen() {
    return this.songId !== null && !this.panel.hidden;
  }

  async open(songId, { tab = "versions" } = {}) {
    if (this.songId !== songId) {
      this.songId = songId;
      this.detail = null;
      this.build();
    }
    this.panel.hidden = false;
    this.select(tab);
    await this.refresh();
  }

  close() {
    if (this.songId !== null && this.app.onThreadClosed) this.app.onThreadClosed();
    this.songId = null;
    this.panel.hidden = true;
    clear(this.panel);
  }

  build() {
    this.title = el("span", { class: "panel-title", text: "Thread" });
    this.subtitle = el("span", { class: "panel-subtitle" });
    this.tabs = el(
      "nav",
      { class: "tabs", role: "tablist" },
      [
        ["versions", "Versions"],
        ["history", "History"],
        ["diff", "Diff"],
        ["credits", "Credits"],
      ].map(([name, label]) =>
        el("button", { type: "button", role: "tab", class: "tab", dataset: { tab: name }, text: label, onclick: () => this.select(name) }),
      ),
    );
    this.versions = el("div", { class: "thread-versions" });
    this.pending = el("div", { class: "pending" });
    this.tool = el("div", { class: "thread-tool" });
    clear(this.panel).append(
      el(
        "header",
        { class: "panel-header" },
        el("span", { class: "thread-icon", "aria-hidden": "true", text: "≡" }),
        el("div", { class: "panel-titles" }, this.title, this.subtitle),
        el("button", { type: "button", class: "close", "aria-label": "Close thread", text: "×", onclick: () => this.close() }),
      ),
      this.tabs,
      el("div", { class: "panel-body" }, el("div", { class: "tab-versions" }, this.versions, this.pending), this.tool),
    );
  }

  select(tab) {
    this.tab = tab;
    for (const button of this.tabs.children) button.setAttribute("aria-selected", String(button.dataset.tab === tab));
    this.panel.querySelector(".tab-versions").hidden = tab !== "versions";
    this.tool.hidden = tab === "versions";
    if (tab !== "versions") this.showTool(tab);
  }

  async refresh() {
    if (this.songId === null) return;
    const songId = this.songId;
    let detail;
    try {
      detail = await get(`/api/songs/${songId}`);
    } catch (error) {
      if (songId !== this.songId) return;
      clear(this.versions).append(el("p", { class: "form-error", text: error.message }));
      return;
    }
    if (songId !== this.songId) return;
    this.detail = detail;
    this.title.textContent = detail.song.title;
    this.subtitle.textContent = `${detail.song.versions} version${detail.song.versions === 1 ? "" : "s"} · started by ${detail.song.owner}`;
    reconcile(
      this.versions,
      detail.versions.map((version) => ({
        key: `v${version.number}`,
        data: version,
        render: (v) => versionMessage(v, detail.song, this.app.handlers, { inThread: true }),
      })),
    );
    if (this.tab !== "versions") this.showTool(this.tab);
  }

  slot(number) {
    return this.versions.querySelector(`[data-key="v${number}"] .inline-slot`);
  }

  scrollTo(number) {
    this.select("versions");
    const node = this.versions.querySelector(`[data-key="v${number}"]`);
    if (node) node.scrollIntoView({ block: "start" });
  }

  // Run a generating action (Add melody, New melody, Regenerate, Remix) with a progress message, the version's
  // buttons disabled until it is done; errors show under the version.
  async generate(version, path, body, progress) {
    if (this.isBusy(version)) return;
    const slot = this.slot(version.number);
    if (slot) clear(slot);
    const pending = this.app.pending(progress);
    this.pending.append(pending.node);
    this.setBusy(version, true);
    try {
      const made = await post(path, { member: this.app.member(), ...body });
      await this.refresh();
      this.app.refreshChannel();
      this.scrollTo(made.version.number);
    } catch (error) {
      const target = this.slot(version.number);
      if (target) target.append(el("div", { class: "form-error", role: "alert", text: error.message }));
    } finally {
      pending.done();
      this.setBusy(version, false);
    }
  }

  melody(version) {
    const progress = version.melody ? "Composing a new melody in the song's key, tempo and metre…" : "Composing a melody for these words…";
    return this.generate(version, `/api/songs/${this.songId}/versions/${version.number}/melody`, {}, progress);
  }

  // Remix: the song's brief, prefilled, to change before the AI writes a new draft beside this version.
  async remix(version) {
    let brief;
    try {
      brief = await get(`/api/songs/${this.songId}/brief`);
    } catch (failure) {
      return this.inline(version, el("div", { class: "form-error", role: "alert", text: failure.message }));
    }
    if (!brief.has_brief) {
      return this.inline(version, el("div", { class: "form-error", role: "alert", text: "This song has no brief to remix: use Add melody instead." }));
    }
    const limits = this.app.boot.limits;
    const field = (name, label, value, attrs = {}) => {
      const input = el("input", { name, value: value == null ? "" : String(value), "aria-label": label, ...attrs });
      return [input, el("label", {}, `${label} `, input)];
    };
    const [theme, themeRow] = field("theme", "Theme", brief.theme, { maxlength: String(limits.theme), required: true });
    const [genre, genreRow] = field("genre", "Genre", brief.genre, { maxlength: String(limits.style) });
    const [mood, moodRow] = field("mood", "Mood", brief.mood, { maxlength: String(limits.style) });
    const form = el("select", { name: "form", "aria-label": "Form" }, this.app.boot.forms.map((f) => el("option", { value: f, text: f, selected: f === brief.form })));
    const [scheme, schemeRow] = field("rhyme_scheme", "Rhyme scheme", brief.rhyme_scheme, { maxlength: "8" });
    const [syllables, syllablesRow] = field("syllables", "Syllables", brief.syllables, { type: "number", min: "4", max: "16" });
    const error = el("div", { class: "form-error", role: "alert" });
    const go = el("button", { type: "submit", class: "primary", text: "Remix" });
    const node = el(
      "form",
      { class: "inline-form remix-form" },
      el("div", { class: "inline-title", text: `Remix ${version.label}: change the brief, the AI writes a new draft beside it` }),
      themeRow, genreRow, moodRow, el("label", {}, "Form ", form), schemeRow, syllablesRow,
      error,
      el("div", { class: "form-buttons" }, go, el("button", { type: "button", class: "secondary", text: "Cancel", onclick: () => this.closeInline(version) })),
    );
    node.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { theme: theme.value, genre: genre.value, mood: mood.value, form: form.value, rhyme_scheme: scheme.value, syllables: syllables.value };
      go.disabled = true;
      error.textContent = "";
      this.closeInline(version);
      await this.generate(version, `/api/songs/${this.songId}/versions/${version.number}/remix`, body, "Writing a remix of the brief…");
    });
    this.inline(version, node);
    theme.focus();
  }

  // Notes: line notes shown to the member who asked (as an ephemeral reply), with a button to post them.
  async notes(version) {
    const path = `/api/songs/${this.songId}/versions/${version.number}/notes`;
    if (this.isBusy(version)) return;
    this.setBusy(version, true);
    let found;
    try {
      found = await post(path, { member: this.app.member() });
    } catch (failure) {
      this.setBusy(version, false);
      return this.inline(version, el("div", { class: "form-error", role: "alert", text: failure.message }));
    }
    this.setBusy(version, false);
    const share = el("button", { type: "button", class: "primary", text: "Post in thread" });
    const box = el(
      "div",
      { class: "ephemeral note notes-box", role: "status" },
      el("span", { class: "only-you", text: "Only you can see this" }),
      el("div", { class: "inline-title", text: found.heading }),
      el("ul", {}, found.notes.map((n) => el("li", { text: n }))),
      el("div", { class: "form-buttons" }, share, el("button", { type: "button", class: "secondary", text: "Dismiss", onclick: () => this.closeInline(version) })),
    );
    share.addEventListener("click", async () => {
      share.disabled = true;
      try {
        await post(path, { member: this.app.member(), post: true });
        this.closeInline(version);
        await this.refresh();
      } catch (failure) {
        share.disabled = false;
        box.append(el("div", { class: "form-error", role: "alert", text: failure.message }));
      }
    });
    this.inline(version, box);
  }

  regenerate(version, section = null) {
    const path = `/api/songs/${this.songId}/versions/${version.number}/regenerate`;
    const progress = section ? `Writing a new take on the ${section}…` : "Writing a new AI draft…";
    return this.generate(version, path, section ? { section } : {}, progress);
  }

  chooseRegeneration(version) {
    const choice = el(
      "select",
      { class: "regen-choice", "aria-label": "What to regenerate" },
      el("option", { value: "", text: "The whole song: a new draft" }),
      version.section_labels.map((label) => el("option", { value: label, text: `Only the ${label}` })),
    );
    this.inline(
      version,
      el(
        "div",
        { class: "inline-form" },
        el("div", { class: "inline-title", text: `What should the AI rewrite in ${version.label}?` }),
        choice,
        el("div", { class: "form-buttons" },
          el("button", { type: "button", class: "primary", text: "Regenerate", onclick: () => this.regenerate(version, choice.value || null) }),
          el("button", { type: "button", class: "secondary", text: "Cancel", onclick: () => this.closeInline(version) }),
        ),
      ),
    );
  }

  revise(version) {
    const limits = this.app.boot.limits;
    const text = el("textarea", { class: "lyrics-editor", name: "lyrics", rows: "14", maxlength: String(limits.revision), spellcheck: "true", "aria-label": "Lyrics" });
    text.value = version.body;
    const count = el("span", { class: "count" });
    const counted = () => (count.textContent = `${text.value.length} / ${limits.revision}`);
    text.addEventListener("input", counted);
    counted();
    const file = el("input", { type: "file", name: "melody", accept: this.app.boot.melody_types.join(","), "aria-label": "Melody file" });
    const error = el("div", { class: "form-error", role: "alert" });
    const save = el("button", { type: "submit", class: "success", text: "Save revision" });
    const form = el(
      "form",
      { class: "inline-form revise-form" },
      el("div", { class: "inline-title", text: `Revise ${version.label} as ${this.app.memberName()}` }),
      el("label", { class: "hint", text: "Lyrics ([Label] lines mark sections)" }),
      text,
      count,
      el("label", { class: "hint" }, "Melody file (optional: .abc .mid .musicxml) ", file),
      error,
      el("div", { class: "form-buttons" }, save, el("button", { type: "button", class: "secondary", text: "Cancel", onclick: () => this.closeInline(version) })),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData();
      data.append("member", this.app.member());
      data.append("lyrics", text.value);
      if (file.files.length) data.append("melody", file.files[0]);
      save.disabled = true;
      save.textContent = "Saving…";
      error.textContent = "";
      try {
        const made = await post(`/api/songs/${this.songId}/versions/${version.number}/revisions`, data);
        this.closeInline(version);
        await this.refresh();
        this.app.refreshChannel();
        this.scrollTo(made.version.number);
      } catch (failure) {
        error.textContent = `${failure.message} Your text is still here, so nothing you wrote is lost.`;
      } finally {
        save.disabled = false;
        save.textContent = "Save revision";
      }
    });
    this.inline(version, form);
    text.focus();
  }

  startSoundoff(version) {
    const versions = el("input", { name: "versions", maxlength: "60", placeholder: "e.g. v1 v3 v4 (default: the AI draft against the latest revisions)", "aria-label": "Versions" });
    const duration = el("select", { name: "duration", "aria-label": "How long" }, this.app.durations.map((d) => el("option", { value: d.value, text: d.label })));
    const blind = el("input", { type: "checkbox", name: "blind", checked: true });
    const error = el("div", { class: "form-error", role: "alert" });
    const start = el("button", { type: "submit", class: "primary", text: "Start sound-off" });
    const form = el(
      "form",
      { class: "inline-form soundoff-form" },
      el("div", { class: "inline-title", text: "Start a sound-off: the server votes" }),
      versions,
      el("div", { class: "form-row" }, el("label", {}, "Open for ", duration), el("label", {}, blind, " Blind: authors hidden until it closes")),
      error,
      el("div", { class: "form-buttons" }, start, el("button", { type: "button", class: "secondary", text: "Cancel", onclick: () => this.closeInline(version) })),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      start.disabled = true;
      start.textContent = "Opening… (rendering the previews)";
      error.textContent = "";
      try {
        const view = await post(`/api/songs/${this.songId}/soundoffs`, {
          member: this.app.member(),
          versions: versions.value,
          duration: duration.value,
          blind: blind.checked,
        });
        this.closeInline(version);
        this.app.showSoundoff(view.id);
      } catch (failure) {
        error.textContent = failure.message;
      } finally {
        start.disabled = false;
        start.textContent = "Start sound-off";
      }
    });
    this.inline(version, form);
  }

  confirmDelete(version) {
    const error = el("div", { class: "form-error", role: "alert" });
    this.inline(
      version,
      el(
        "div",
        { class: "inline-form" },
        el("div", { class: "inline-title", text: `Delete ${this.detail ? this.detail.song.title : "this song"}? Every version is kept; the song leaves the lists.` }),
        error,
        el("div", { class: "form-buttons" },
          el("button", {
            type: "button",
            class: "danger",
            text: "Delete",
            onclick: async () => {
              try {
                const done = await remove(`/api/songs/${this.songId}`, { member: this.app.member() });
                this.close();
                this.app.refreshChannel();
                this.app.notice(done.message);
              } catch (failure) {
                error.textContent = failure.message;
              }
            },
          }),
          el("button", { type: "button", class: "secondary", text: "Cancel", onclick: () => this.closeInline(version) }),
        ),
      ),
    );
  }

  inline(version, content) {
    this.select("versions");
    const slot = this.slot(version.number);
    if (!slot) return;
    clear(slot).append(content);
    slot.scrollIntoView({ block: "nearest" });
  }

  closeInline(version) {
    const slot = this.slot(version.number);
    if (slot) clear(slot);
  }

  async showTool(tab) {
    if (!this.detail) return;
    const songId = this.songId;
    const numbers = this.detail.versions.map((v) => v.label);
    const select = (name, chosen) =>
      el("select", { name, "aria-label": name }, numbers.map((label) => el("option", { value: label, text: label, selected: label === chosen })));
    const output = el("div", { class: "tool-output" });
    const show = async (load) => {
      try {
        clear(output).append(await load());
      } catch (failure) {
        clear(output).append(el("div", { class: "form-error", role: "alert", text: failure.message }));
      }
    };
    if (tab === "history") {
      clear(this.tool).append(output);
      await show(async () => historyTree(await get(`/api/songs/${songId}/history`), (n) => this.scrollTo(n)));
    } else if (tab === "diff") {
      if (this.tool.dataset.for === `diff-${songId}-${numbers.length}`) return;
      const a = select("a", numbers[0]);
      const b = select("b", numbers[numbers.length - 1]);
      const go = () => show(async () => diffTable(await get(`/api/songs/${songId}/diff?a=${a.value}&b=${b.value}`)));
      clear(this.tool).append(el("div", { class: "tool-bar" }, "From ", a, " to ", b, el("button", { type: "button", class: "primary", text: "Show diff", onclick: go })), output);
      this.tool.dataset.for = `diff-${songId}-${numbers.length}`;
      await go();
      return;
    } else if (tab === "credits") {
      if (this.tool.dataset.for === `credits-${songId}-${numbers.length}`) return;
      const version = select("version", numbers[numbers.length - 1]);
      const go = () => show(async () => creditsList(await get(`/api/songs/${songId}/credits?version=${version.value}`)));
      version.addEventListener("change", go);
      clear(this.tool).append(el("div", { class: "tool-bar" }, "Credits for ", version), output);
      this.tool.dataset.for = `credits-${songId}-${numbers.length}`;
      await go();
      return;
    }
    this.tool.dataset.for = "";
  }
}

function historyTree(history, jump) {
  return el(
    "ol",
    { class: "history", "aria-label": `Revision tree of ${history.title}` },
    history.tree.map((node) =>
      el(
        "li",
        { class: node.by_ai ? "node ai" : "node member", dataset: { depth: String(Math.min(node.depth, 12)) } },
        node.depth ? el("span", { class: "branch", "aria-hidden": "true", text: "↳ " }) : null,
        el("button", { type: "button", class: "link", text: node.label, onclick: () => jump(node.number) }),
        ` · ${node.kind_name} · by ${node.author} · ${node.counts}`,
        node.melody ? el("span", { class: "has-melody", title: "has a melody", text: " · ♪" }) : null,
      ),
    ),
  );
}

function diffTable(diff) {
  const rows = [];
  let section = null;
  for (const line of diff.lines) {
    const here = line.new_section ?? line.old_section;
    if (here !== section) {
      section = here;
      rows.push(el("div", { class: "diff-section", text: `[${section}]` }));
    }
    if (line.op === "=") rows.push(el("div", { class: "diff-line same", text: `  ${line.new}` }));
    if (line.op === "-" || line.op === "~") rows.push(el("div", { class: "diff-line removed", text: `− ${line.old}` }));
    if (line.op === "+" || line.op === "~") rows.push(el("div", { class: "diff-line added", text: `+ ${line.new}` }));
  }
  return el(
    "div",
    { class: "diff" },
    el("div", { class: "tool-summary", text: `${diff.a} → ${diff.b}: ${diff.changed ? diff.summary : "no changes"}` }),
    el("div", { class: "diff-lines" }, rows),
  );
}

function creditsList(credits) {
  return el(
    "div",
    { class: "credits" },
    el("div", { class: "tool-summary", text: `Credits · ${credits.version} · ${credits.total} line${credits.total === 1 ? "" : "s"}` }),
    credits.authors.length
      ? el("ul", { class: "authors" }, credits.authors.map((a) => el("li", {}, el("strong", { text: a.name }), ` — ${a.lines} line${a.lines === 1 ? "" : "s"} (${a.percent})`)))
      : el("p", { text: "No member has written a line of this version yet." }),
    el("p", { class: "ai-share", text: `AI-written lines: ${credits.ai_lines} (${credits.ai_percent}) — ${credits.disclosure}` }),
    el(
      "details",
      { class: "line-credits" },
      el("summary", { text: "Every line's writer" }),
      el("table", {}, el("tbody", {}, credits.lines.map((l) => el("tr", { class: l.by_ai ? "ai" : "member" }, el("td", { class: "line-section", text: l.section }), el("td", { text: l.text }), el("td", { class: "line-writer", text: `${l.writer} (${l.version})` }))))),
    ),
  );
}
