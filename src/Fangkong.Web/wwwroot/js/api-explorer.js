// The interactive API page: reads the OpenAPI document and lets a signed-in user call each operation with their
// own session (same cookie, same jurisdiction). No library: the document is small and the page must stay light.
(function () {
  const root = document.getElementById('api-explorer');
  if (!root) return;
  const text = { try: root.dataset.try, send: root.dataset.send };
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => (k === 'class' ? (e.className = v) : e.setAttribute(k, v)));
    children.flat().forEach(c => e.append(c instanceof Node ? c : document.createTextNode(c ?? '')));
    return e;
  };
  const resolve = (doc, schema) => (schema && schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema);
  const example = (doc, schema, depth = 0) => {
    schema = resolve(doc, schema);
    if (!schema || depth > 3) return null;
    if (schema.type === 'object' || schema.properties) {
      const o = {};
      Object.entries(schema.properties || {}).forEach(([k, v]) => (o[k] = example(doc, v, depth + 1)));
      return o;
    }
    if (schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'))) return [];
    if (schema.enum) return schema.enum[0];
    const t = Array.isArray(schema.type) ? schema.type.find(x => x !== 'null') : schema.type;
    return { integer: 0, number: 0, boolean: false, string: '' }[t] ?? null;
  };
  fetch('/openapi/v1.json').then(r => r.json()).then(doc => {
    root.textContent = '';
    const byTag = {};
    Object.entries(doc.paths).forEach(([path, ops]) =>
      Object.entries(ops).forEach(([method, op]) => {
        if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) return;
        const tag = (op.tags && op.tags[0]) || 'API';
        (byTag[tag] = byTag[tag] || []).push({ path, method, op });
      }));
    Object.keys(byTag).sort().forEach(tag => {
      const card = el('div', { class: 'fk-card' }, el('h2', {}, tag));
      byTag[tag].forEach(({ path, method, op }) => {
        const details = el('details', { class: 'mb-2' });
        details.append(el('summary', {}, el('span', { class: 'fk-badge fk-mono' }, method.toUpperCase()), ' ', el('span', { class: 'fk-mono' }, path), ' ', el('span', { class: 'text-muted small' }, op.summary || op.operationId || '')));
        const params = (op.parameters || []).map(p => {
          const input = el('input', { class: 'form-control form-control-sm', placeholder: p.name + (p.required ? ' *' : ''), 'data-in': p.in, 'data-name': p.name });
          return el('div', { class: 'mb-1' }, el('label', { class: 'small text-muted' }, `${p.name} (${p.in})`), input);
        });
        const media = op.requestBody && op.requestBody.content && (op.requestBody.content['application/json'] || null);
        const body = media ? el('textarea', { class: 'form-control form-control-sm fk-mono', rows: '6' }) : null;
        if (body) body.value = JSON.stringify(example(doc, media.schema), null, 2);
        const out = el('pre', { class: 'fk-mono small bg-light p-2 mt-2', style: 'max-height: 24rem; overflow: auto; white-space: pre-wrap' });
        const send = el('button', { class: 'btn btn-sm btn-primary mt-1', type: 'button' }, text.send);
        send.onclick = async () => {
          let url = path;
          const query = new URLSearchParams();
          details.querySelectorAll('input[data-in]').forEach(i => {
            if (!i.value) return;
            if (i.dataset.in === 'path') url = url.replace('{' + i.dataset.name + '}', encodeURIComponent(i.value));
            else if (i.dataset.in === 'query') query.append(i.dataset.name, i.value);
          });
          const qs = query.toString();
          const response = await fetch(url + (qs ? '?' + qs : ''), {
            method: method.toUpperCase(),
            headers: body ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
            body: body ? body.value : undefined,
            credentials: 'same-origin',
          });
          const type = response.headers.get('content-type') || '';
          const payload = type.includes('json') ? JSON.stringify(await response.json(), null, 2) : `(${type}, ${response.headers.get('content-length') || '?'} bytes)`;
          out.textContent = `${response.status} ${response.statusText}\n${payload}`;
        };
        details.append(el('div', { class: 'mt-2' }, params, body ? [el('label', { class: 'small text-muted' }, 'JSON'), body] : [], send, out));
        card.append(details);
      });
      root.append(card);
    });
  });
})();
