/**
 * Hands out what connections settle into in the order they started, holding
 * only those that settle before an earlier one: with orders given out 0, 1, 2…
 * and each settled once, everything is handed out once all have settled.
 */
export class InStartOrder<T> {
  private next = 0;
  private readonly early = new Map<number, T>();
  private readonly emit: (value: T) => void;

  constructor(emit: (value: T) => void) {
    this.emit = emit;
  }

  settle(order: number, value: T): void {
    if (order !== this.next) {
      this.early.set(order, value);
      return;
    }
    this.emit(value);
    while (this.early.has(++this.next)) {
      this.emit(this.early.get(this.next)!);
      this.early.delete(this.next);
    }
  }
}
