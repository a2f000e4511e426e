// Handlers of the library plugin (the demo's example sources).
export async function fetchComponents(source) { return source.list(); }
export function indexComponents(components) { return new Map(components.map((c) => [c.id, c])); }
