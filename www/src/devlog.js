// The side panel: every SDK call and callback with its JSON, for JS developers.
// Text goes in with textContent only.

const list = () => document.getElementById("log");

/** Appends an entry; kind is "call", "callback", "result" or "error". The
 * newest is last and scrolled to: the entries already shown never move (a
 * prepended entry pushed them all down, a layout shift at every SDK call). */
export function log(kind, what, data) {
  const li = document.createElement("li");
  li.className = `kind-${kind}`;
  const head = document.createElement("div");
  head.className = "what";
  head.textContent = `${new Date().toLocaleTimeString()} ${kind}: ${what}`;
  li.append(head);
  if (data !== undefined) {
    const pre = document.createElement("pre");
    pre.textContent = JSON.stringify(data, null, 2);
    li.append(pre);
  }
  const l = list();
  l.append(li);
  l.scrollTop = l.scrollHeight;
}

export function clearLog() {
  list().replaceChildren();
}
