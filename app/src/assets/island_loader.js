// Hydrates the islands of a server-rendered page. A page without islands loads no
// JavaScript bundle and no wasm at all; a page with islands loads them when the browser is
// idle, then hydrates each island in document order (an island's children after it).
((js, wasm) => {
	if (!document.querySelector('leptos-island')) return;
	const pendingChildren = [];
	async function island(el, mod) {
		const hydrate = mod[el.dataset.component || ''];
		if (!hydrate) {
			console.warn(`no wasm export for the island ${el.dataset.component}`);
			return;
		}
		const children = pendingChildren[pendingChildren.length - 1];
		if (children) children();
		const done = hydrate(el);
		if (done && done.then) await done;
	}
	async function walk(node, mod) {
		if (node.nodeType !== Node.ELEMENT_NODE) return;
		const tag = node.tagName.toLowerCase();
		if (tag === 'leptos-island') await island(node, mod);
		const isChildren = tag === 'leptos-children';
		if (isChildren) pendingChildren.push(node.$$on_hydrate);
		for (const child of node.children) await walk(child, mod);
		if (isChildren) pendingChildren.pop();
	}
	const start = () =>
		import(js).then((mod) =>
			mod.default({ module_or_path: wasm }).then(() => {
				mod.hydrate();
				return walk(document.body, mod);
			}),
		);
	if ('requestIdleCallback' in window) window.requestIdleCallback(start);
	else start();
})
