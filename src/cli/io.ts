// Where the CLI's own text goes. Defaults to the process streams; tests running main() in-process
// swap these (and only these) so that their capture does not touch process.stdout.
export const io = {
  out: (text: string): void => void process.stdout.write(text),
  err: (text: string): void => void process.stderr.write(text),
};
