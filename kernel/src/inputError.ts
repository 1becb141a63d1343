/**
 * Input the run cannot use at all (a missing CSV, a missing column, a checkpoint of another
 * dataset): the message says what exists or what to do. The CLI exits 2 on it.
 */
export class InputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
