import { Gauge, type Registry } from 'prom-client';

/**
 * A gauge with no sample while its value is unknown. prom-client gives an unlabeled gauge a 0 it
 * cannot drop, and a 0 tip height reads as "the chain is at genesis" in every query that uses it.
 */
class UnknownableGauge extends Gauge {
  constructor(
    name: string,
    help: string,
    registers: Registry[],
    private readonly read: () => number | null,
  ) {
    super({ name, help, registers });
  }

  override async get() {
    const value = this.read();
    if (value === null) {
      const metric = await super.get();
      return { ...metric, values: [] };
    }
    this.set(value);
    return super.get();
  }
}

export function optionalGauge(
  name: string,
  help: string,
  registers: Registry[],
  read: () => number | null,
): Gauge {
  return new UnknownableGauge(name, help, registers, read);
}
