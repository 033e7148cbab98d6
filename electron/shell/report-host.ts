import { BrowserWindow, dialog } from 'electron';
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReportHost } from '../services/reports/reports-service';

/**
 * The desktop's part in exports: PDF through Chromium's printToPDF of the self-contained HTML, in a
 * hidden sandboxed window with JavaScript off (the report has none), and a native save dialog.
 */
export function desktopReportHost(getParent: () => BrowserWindow | null): ReportHost {
  return {
    renderPdf: async (htmlPath, pdfPath) => {
      const window = new BrowserWindow({ show: false, webPreferences: { sandbox: true, javascript: false } });
      try {
        await window.loadFile(htmlPath);
        const pdf = await window.webContents.printToPDF({ printBackground: true, preferCSSPageSize: true });
        await writeFile(pdfPath, pdf);
      } finally {
        window.destroy();
      }
    },
    deliver: async (file, suggestedName) => {
      const parent = getParent();
      const options = { defaultPath: suggestedName, title: 'Save performance report' };
      const choice = parent
        ? await dialog.showSaveDialog(parent, options)
        : await dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return { kind: 'not-saved' };
      await copyFile(file, choice.filePath);
      return { kind: 'saved', path: path.resolve(choice.filePath) };
    },
  };
}
