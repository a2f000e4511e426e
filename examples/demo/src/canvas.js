// Handlers of the canvas plugins (the demo's example sources).
export function serializeSelection(selection) { return JSON.stringify(selection); }
export function writeClipboard(text, clipboard) { clipboard.write(text); }
export function notifyCopied(ui) { ui.toast("Copied"); }
export function recordCopy(log, text) { log.push(text.length); }
export function resolveTemplate(library, id) { return library.get(id); }
export function renderComponent(canvas, template) { return canvas.add(template); }
export function notifyCreated(ui) { ui.toast("Created"); }
