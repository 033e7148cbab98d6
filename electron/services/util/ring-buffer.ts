/** Fixed-size ring of the most recent items: a process's output tail, the activity log. */
export class RingBuffer<T> {
  private readonly items: T[] = [];
  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
  }

  toArray(): T[] {
    return [...this.items];
  }

  last(count: number): T[] {
    return this.items.slice(-count);
  }
}
