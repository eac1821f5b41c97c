/**
 * How the legacy workflows ask for a row's new status: the key of the row and the `status` it moves to.
 * The repositories take the same change as a transition, with the new status named `to`.
 */

export type StatusChange<Transition extends { to: unknown }> = Omit<Transition, 'to'> & {
  status: Transition['to'];
};

/** The repository's transition for a status change: the same fields, the status as `to`. */
export function toTransition<Transition extends { to: unknown }>(
  change: StatusChange<Transition>,
): Transition {
  const { status, ...key } = change;
  // `Omit` of a type parameter is opaque to the compiler: this is `Transition` field for field.
  return { ...key, to: status } as unknown as Transition;
}
