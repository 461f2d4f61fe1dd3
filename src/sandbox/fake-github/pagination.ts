// GitHub's page-number pagination: per_page (default 30, at most 100), page (from 1), and a
// Link header naming the neighbouring pages, in GitHub's order (prev, next, last, first).
export interface Page<T> {
  items: T[];
  /** Undefined when everything fits on one page, as GitHub omits the header then. */
  link: string | undefined;
}

export function paginate<T>(all: T[], url: URL): Page<T> {
  const perPage = Math.min(100, positiveInt(url.searchParams.get('per_page')) ?? 30);
  const page = positiveInt(url.searchParams.get('page')) ?? 1;
  const items = all.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  if (last === 1 && page === 1) return { items, link: undefined };
  const to = (n: number): string => {
    const target = new URL(url);
    target.searchParams.set('per_page', String(perPage));
    target.searchParams.set('page', String(n));
    return `<${target.href}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${to(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) rels.push(`${to(page + 1)}; rel="next"`, `${to(last)}; rel="last"`);
  if (page > 1) rels.push(`${to(1)}; rel="first"`);
  return { items, link: rels.join(', ') };
}

function positiveInt(value: string | null): number | undefined {
  if (value === null) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
