/**
 * The page's only script: the verdict filter and search over targets, copy buttons, and opening
 * or closing every detail. Plain DOM, no library; the charts need none (they are SVG already).
 */
export const SCRIPT = `
(() => {
  const buttons = [...document.querySelectorAll('button[data-filter]')];
  const items = [...document.querySelectorAll('[data-verdict][data-id]')];
  const rows = items.filter((item) => item.tagName === 'TR');
  const search = document.getElementById('search');
  const note = document.getElementById('hidden-note');
  function apply() {
    const shown = new Set(buttons.filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => b.dataset.filter));
    const query = search.value.trim().toLowerCase();
    for (const item of items) item.hidden = !(shown.has(item.dataset.verdict) && (!query || item.dataset.id.toLowerCase().includes(query)));
    const hidden = rows.filter((row) => row.hidden).length;
    note.textContent = hidden ? hidden + ' of ' + rows.length + ' targets hidden by the filter' : '';
  }
  for (const button of buttons) {
    button.addEventListener('click', () => {
      button.setAttribute('aria-pressed', String(button.getAttribute('aria-pressed') !== 'true'));
      apply();
    });
  }
  search.addEventListener('input', apply);
  for (const [id, open] of [['expand', true], ['collapse', false]]) {
    document.getElementById(id).addEventListener('click', () => {
      for (const details of document.querySelectorAll('main details')) details.open = open;
    });
  }
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-copy]');
    if (!button) return;
    const code = button.parentElement.querySelector('pre');
    const done = (label) => {
      button.textContent = label;
      setTimeout(() => (button.textContent = 'Copy'), 1500);
    };
    const select = () => {
      getSelection().selectAllChildren(code);
      done('Selected');
    };
    if (navigator.clipboard) navigator.clipboard.writeText(code.textContent).then(() => done('Copied'), select);
    else select();
  });
  apply();
})();
`;
