/**
 * Saves text as a file through the browser's download: a Blob URL on a temporary link, clicked.
 *
 * @param text - the file's content
 * @param filename - the name the browser offers, e.g. `disaster-recovery-services.csv`
 * @param type - the MIME type, e.g. `text/csv`
 */
export function downloadText(text: string, filename: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
