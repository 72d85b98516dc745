// Errors meant for the user: one clear sentence (what, where, what to do) and an exit code.
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
