/** A record's marking as the graph returns it, shown beside the record: classification, releasability, TLP, caveats. */

export interface Marking {
  classification: string;
  releasableTo: string[];
  tlp: string;
  caveats: string[];
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export function markingText(marking: Marking): string {
  const parts = [marking.classification.replace(/_/g, ' ')];
  if (marking.releasableTo.length > 0) parts.push(`REL ${marking.releasableTo.join(', ')}`);
  parts.push(`TLP:${marking.tlp.replace(/_/g, '+')}`);
  if (marking.caveats.length > 0) parts.push(marking.caveats.join(' '));
  return parts.join(' · ');
}

export function markingBadge(marking: Marking | null | undefined): HTMLElement {
  if (!marking) return el('span', 'marking marking-unknown', 'marking not released');
  const badge = el('span', `marking marking-${marking.classification.toLowerCase().replace(/_/g, '-')}`, markingText(marking));
  badge.dataset.classification = marking.classification;
  badge.dataset.tlp = marking.tlp;
  return badge;
}

/** A row for one record: its text and its marking, counted by tests as `[data-record]`. */
export function recordRow(kind: string, id: string, text: string, marking: Marking | null | undefined): HTMLElement {
  const row = el('li', 'record');
  row.dataset.record = `${kind}:${id}`;
  row.append(el('span', 'record-text', text), markingBadge(marking));
  return row;
}
