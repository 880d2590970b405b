// The only place the UI talks to Rust. Views import from here, never from @tauri-apps directly.
import { commands, type AppError, type AppInfo } from "./bindings";

export type { AppError, AppInfo };

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

/** Turns anything a command rejected with into the one error shape views handle. */
export function toAppError(error: unknown): AppError {
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    return error as AppError;
  }
  // Framework failures (a denied permission, a malformed argument) arrive as plain strings.
  return { code: "internal", message: error instanceof Error ? error.message : String(error) };
}

async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (error) {
    throw toAppError(error);
  }
  if (result.status === "error") throw toAppError(result.error);
  return result.data;
}

/** Name, version and folders of the running app. */
export function getAppInfo(): Promise<AppInfo> {
  return unwrap(commands.appInfo());
}
