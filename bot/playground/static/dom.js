// Building the page's DOM. Every piece of text goes in through textContent (el's "text" and string children),
// never innerHTML: lyrics, titles and names are members' text, and a <script> in them must stay text.

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

// Replace a container's children by keyed items, keeping every node whose data did not change: an audio
// player keeps playing and an open editor keeps its text while the rest of the channel refreshes.
export function reconcile(container, items) {
  const existing = new Map([...container.children].map((child) => [child.dataset.key, child]));
  const nodes = items.map(({ key, data, render }) => {
    const signature = JSON.stringify(data);
    const old = existing.get(key);
    if (old && old.dataset.signature === signature) return old;
    const node = render(data);
    node.dataset.key = key;
    node.dataset.signature = signature;
    return node;
  });
  for (const node of existing.values()) if (!nodes.includes(node)) node.remove();
  nodes.forEach((node, index) => {
    const at = container.children[index] || null;
    if (at !== node) container.insertBefore(node, at);
  });
}

export function initial(name) {
  return (name || "?").trim().charAt(0).toUpperCase() || "?";
}

export function clockTime(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// How long until a moment, as the page's countdowns show it: "in 1:43", "in 58 minutes", "in 23 hours".
export function until(seconds, now = Date.now() / 1000) {
  const left = Math.max(0, Math.round(seconds - now));
  if (left < 600) return `in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  if (left < 7200) return `in ${Math.round(left / 60)} minutes`;
  return `in ${Math.round(left / 3600)} hours`;
}
