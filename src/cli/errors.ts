// A user-caused failure: the CLI prints its message (if any) on one line and exits with its status.
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}
