/** What `npm run report` shows: queries over the warehouse, each a titled table. */
import { CHARGED_ORDER_STATUSES, TERMINAL_ORDER_STATUSES } from '../domain/order-status.js';
import type { Warehouse } from './warehouse.js';

export interface ReportSection {
  title: string;
  columns: string[];
  rows: string[][];
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const CHARGED = list(CHARGED_ORDER_STATUSES);
const TERMINAL = list(TERMINAL_ORDER_STATUSES);

/** Days are UTC days of `ordered_at`; money is in cents as the shards keep it, shown in units. */
const SECTIONS: readonly { title: string; sql: string }[] = [
  {
    title: 'Revenue per day (charged orders)',
    sql: `select strftime(ordered_at at time zone 'UTC', '%Y-%m-%d') as day, count(*) as orders,
                 printf('%.2f', sum(total_cents) / 100) as revenue
          from orders where status in (${CHARGED}) group by day order by day`,
  },
  {
    title: 'Top items by revenue (charged orders)',
    sql: `select l.item_id as item, sum(l.quantity) as units, printf('%.2f', sum(l.quantity * l.price_cents) / 100) as revenue
          from order_lines l join orders o using (order_id) where o.status in (${CHARGED})
          group by l.item_id order by sum(l.quantity * l.price_cents) desc, l.item_id limit 10`,
  },
  {
    title: 'Fulfillment time (ordered to last shipment delivered, delivered orders)',
    sql: `with delivered as (
            select o.order_id, epoch(max(s.updated_at)) - epoch(o.ordered_at) as seconds
            from orders o join suborders s using (order_id)
            where o.status = 'DELIVERED' group by o.order_id, o.ordered_at)
          select count(*) as orders, printf('%.1f', median(seconds)) as median_s,
                 printf('%.1f', quantile_cont(seconds, 0.9)) as p90_s, printf('%.1f', max(seconds)) as max_s
          from delivered`,
  },
  {
    title: 'Cancellation rate per day (finished orders)',
    sql: `select strftime(ordered_at at time zone 'UTC', '%Y-%m-%d') as day, count(*) as finished,
                 count(*) filter (where status = 'CANCELLED') as cancelled,
                 printf('%.1f%%', 100.0 * count(*) filter (where status = 'CANCELLED') / count(*)) as rate
          from orders where status in (${TERMINAL}) group by day order by day`,
  },
];

export async function buildReport(warehouse: Warehouse): Promise<ReportSection[]> {
  const sections: ReportSection[] = [];
  for (const { title, sql } of SECTIONS) {
    const reader = await warehouse.connection.runAndReadAll(sql);
    sections.push({
      title,
      columns: reader.columnNames(),
      rows: reader.getRows().map((row) => row.map((cell) => (cell === null ? '' : String(cell)))),
    });
  }
  return sections;
}

export function formatSection(section: ReportSection): string {
  const widths = section.columns.map((name, i) =>
    Math.max(name.length, ...section.rows.map((row) => row[i]!.length)),
  );
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  const body = section.rows.length === 0 ? ['(none)'] : section.rows.map(line);
  return [section.title, line(section.columns), ...body].join('\n');
}
