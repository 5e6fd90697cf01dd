// The side panel: every SDK call and callback with its JSON, for JS developers.
// Text goes in with textContent only.

const list = () => document.getElementById("log");

/** Appends an entry; kind is "call", "callback", "result" or "error". */
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
  list().prepend(li);
}

export function clearLog() {
  list().replaceChildren();
}
