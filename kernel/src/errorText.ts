/** The message of anything thrown, for records and logs (errors from other processes arrive as strings). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
