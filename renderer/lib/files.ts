/** Largest file the import picker reads (the API refuses more than 64 KB anyway). */
export const IMPORT_MAX_BYTES = 64 * 1024;

/** Reads a picked file as text; works the same in the desktop app and in a browser (headless mode). */
export async function readPickedFile(file: File): Promise<string> {
  if (file.size > IMPORT_MAX_BYTES)
    throw new Error(`${file.name} is larger than 64 KB: not a configuration file.`);
  return file.text();
}

/** Offers text as a download (the browser's or Electron's save prompt). */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
