import { verdictSeverity } from './verdict-style.ts';

/**
 * The report page's only script: filters (verdict, level, category, text) and sorting over the case
 * elements already in the page. It reads data-* attributes and textContent and never writes markup,
 * so nothing from the report is ever parsed as HTML in the browser.
 */
export const htmlReportScript = `
(() => {
  const list = document.getElementById('cases');
  const cases = Array.from(list.querySelectorAll('details.case'));
  const checked = (name) => new Set(Array.from(document.querySelectorAll('input[name="' + name + '"]:checked'), (i) => i.value));
  const category = document.getElementById('f-category');
  const text = document.getElementById('f-text');
  const sort = document.getElementById('f-sort');
  const shown = document.getElementById('shown');
  const severity = ${JSON.stringify(verdictSeverity)};
  const levels = { must: 0, should: 1, profile: 2, either: 3 };
  const orders = {
    suite: (a, b) => a.dataset.index - b.dataset.index,
    verdict: (a, b) => severity[a.dataset.verdict] - severity[b.dataset.verdict] || a.dataset.index - b.dataset.index,
    level: (a, b) => levels[a.dataset.level] - levels[b.dataset.level] || a.dataset.index - b.dataset.index,
    id: (a, b) => (a.dataset.id < b.dataset.id ? -1 : a.dataset.id > b.dataset.id ? 1 : 0),
    duration: (a, b) => b.dataset.duration - a.dataset.duration,
  };
  function apply() {
    const verdicts = checked('verdict');
    const wantedLevels = checked('level');
    const cat = category.value;
    const needle = text.value.trim().toLowerCase();
    let n = 0;
    for (const el of cases) {
      const ok = verdicts.has(el.dataset.verdict) && wantedLevels.has(el.dataset.level) &&
        (cat === '' || el.dataset.category === cat) &&
        (needle === '' || el.dataset.search.includes(needle) || el.textContent.toLowerCase().includes(needle));
      el.hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = n + ' of ' + cases.length + ' cases shown';
  }
  function reorder() {
    for (const el of cases.slice().sort(orders[sort.value] || orders.suite)) list.appendChild(el);
  }
  document.querySelectorAll('.controls input, .controls select').forEach((el) => el.addEventListener('input', apply));
  sort.addEventListener('change', reorder);
  document.querySelectorAll('[data-only-verdict]').forEach((btn) => btn.addEventListener('click', () => {
    document.querySelectorAll('input[name="verdict"]').forEach((i) => { i.checked = i.value === btn.dataset.onlyVerdict; });
    apply();
    list.scrollIntoView();
  }));
  document.querySelectorAll('[data-only-category]').forEach((btn) => btn.addEventListener('click', () => {
    category.value = btn.dataset.onlyCategory;
    apply();
    list.scrollIntoView();
  }));
  document.getElementById('f-reset').addEventListener('click', () => {
    document.querySelectorAll('.controls input[type="checkbox"]').forEach((i) => { i.checked = true; });
    category.value = ''; text.value = ''; sort.value = 'suite';
    reorder(); apply();
  });
  document.getElementById('f-expand').addEventListener('click', () => cases.forEach((el) => { if (!el.hidden) el.open = true; }));
  document.getElementById('f-collapse').addEventListener('click', () => cases.forEach((el) => { el.open = false; }));
  apply();
})();
`;
