import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { LetheProblem } from '../../../shared/api';
import { fmt } from '../../../shared/i18n';
import { messages } from '../i18n';
import { ProblemAlert } from './Problem';

const m = messages.common.download;

/** What a typed client call made with `parseAs: 'blob'` answers. */
export type FileCall = Promise<{ data?: Blob; error?: unknown; response: Response }>;

/** The file name the server gives in Content-Disposition (RFC 6266 `filename*` first), or undefined. */
export function fileNameFrom(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/.exec(header);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name ? name.replace(/[/\\]/g, '_') : undefined;
}

/**
 * Fetches a file through the typed client, so a failed download (a 401, a 5xx, a refusal) is shown in
 * words instead of being saved as a problem JSON file, and a 401 ends the session like any other call.
 */
export async function fetchFile(call: FileCall, fallbackName: string): Promise<{ blob: Blob; name: string }> {
  const { data, error, response } = await call;
  if (!response.ok || !data) {
    const problem = typeof error === 'object' && error !== null ? (error as object) : { detail: typeof error === 'string' ? error : undefined };
    throw new LetheProblem(response.status, problem);
  }
  return { blob: data, name: fileNameFrom(response.headers.get('Content-Disposition')) ?? fallbackName };
}

/**
 * Hands a fetched file to the browser's downloads through a short-lived object URL. Following a
 * `blob:` URL from an `<a download>` is a download, not a fetch: the console's CSP (no `blob:` in any
 * fetch directive) does not block it. The URL is revoked once the browser has taken the file.
 */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * A button that downloads a file the API serves over GET; on failure it shows the problem in words
 * beside the button. `fetch` is one typed client call made with `parseAs: 'blob'`.
 */
export function DownloadButton({ fetch, fileName, children, className = 'button button-secondary' }: { fetch: () => FileCall; fileName: string; children: ReactNode; className?: string }) {
  const [saved, setSaved] = useState('');
  const download = useMutation({
    mutationFn: () => fetchFile(fetch(), fileName),
    gcTime: 0,
    onMutate: () => setSaved(''),
    onSuccess: ({ blob, name }) => {
      saveFile(blob, name);
      setSaved(fmt(m.saved, { name }));
    },
  });
  return (
    <div className="download">
      {/* Not disabled while busy: a disabled button would drop the keyboard focus. */}
      <button type="button" className={className} aria-busy={download.isPending} onClick={() => download.isPending || download.mutate()}>
        {children}
      </button>
      <span className="visually-hidden-live" role="status" aria-live="polite">
        {download.isPending ? m.saving : saved}
      </span>
      <ProblemAlert error={download.error} />
    </div>
  );
}
