import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ensure, type Schema } from '../../../../shared/api';
import { formatInstant, viewerTimeZone } from '../../../../shared/dates';
import { fmt } from '../../../../shared/i18n';
import { messages } from '../../i18n';
import { Badge } from '../../ui/Badge';
import { fieldErrors, TextArea, TextField } from '../../ui/Field';
import { Notice, ProblemAlert } from '../../ui/Problem';
import { localToIso } from './SecretBox';
import { TableWrap } from '../../ui/TableWrap';

const m = messages.admin.purposes;
type Purpose = Schema<'PurposeDto'>;

export function NoticeTable({ purpose }: { purpose: Purpose }) {
  if (purpose.notices.length === 0) return <p>{m.noNotices}</p>;
  return (
    <TableWrap className="table-scroll" label={fmt(m.noticesCaption, { title: purpose.title })}>
      <table>
        <caption>{fmt(m.noticesCaption, { title: purpose.title })}</caption>
        <thead>
          <tr>
            <th scope="col">{m.colVersion}</th>
            <th scope="col">{m.colLanguage}</th>
            <th scope="col">{m.colEffective}</th>
            <th scope="col">{m.colPublished}</th>
            <th scope="col">{m.colText}</th>
          </tr>
        </thead>
        <tbody>
          {purpose.notices.map((n) => (
            <tr key={`${n.version}:${n.language}`}>
              <td>
                {n.version} {n.version === purpose.currentNoticeVersion ? <Badge tone="ok">{m.inForce}</Badge> : null}
              </td>
              <td>{n.language}</td>
              <td>{formatInstant(n.effectiveFrom)}</td>
              <td>{formatInstant(n.publishedAt)}</td>
              <td className="notice-text">
                {n.text ? <p>{n.text}</p> : null}
                {n.url ? <p>{fmt(m.textAt, { url: n.url })}</p> : null}
                <p className="hint">
                  <code>{fmt(m.sha, { hash: n.textSha256 })}</code>
                </p>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function PublishNoticeForm({ purpose }: { purpose: Purpose }) {
  const client = useQueryClient();
  const [version, setVersion] = useState('');
  const [language, setLanguage] = useState('en');
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [sha, setSha] = useState('');
  const [effective, setEffective] = useState('');
  const publish = useMutation({
    mutationFn: (body: Schema<'PublishNoticeDto'>) => ensure(api.POST('/v1/purposes/{key}/notices', { params: { path: { key: purpose.key } }, body })),
    onSuccess: () => {
      setVersion('');
      setText('');
      setUrl('');
      setSha('');
      setEffective('');
      void client.invalidateQueries({ queryKey: ['purposes'] });
    },
  });
  const errors = fieldErrors(publish.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    publish.mutate({
      version: version.trim(),
      language: language.trim(),
      text: text.trim() || undefined,
      url: url.trim() || undefined,
      textSha256: sha.trim() || undefined,
      effectiveFrom: localToIso(effective),
    });
  };
  return (
    <form className="card" onSubmit={submit} noValidate>
      <p className="hint">{m.publishHint}</p>
      <div className="grid grid-2">
        <TextField label={m.version} hint={m.versionHint} error={errors.version} required maxLength={50} value={version} onChange={(e) => setVersion(e.target.value)} autoComplete="off" />
        <TextField label={m.language} hint={m.languageHint} error={errors.language} required value={language} onChange={(e) => setLanguage(e.target.value)} autoComplete="off" />
      </div>
      <TextArea label={m.text} hint={m.textHint} error={errors.text} rows={6} value={text} onChange={(e) => setText(e.target.value)} />
      <div className="grid grid-2">
        <TextField label={m.url} error={errors.url} type="url" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="off" />
        <TextField label={m.textSha256} hint={m.textSha256Hint} error={errors.textSha256} value={sha} onChange={(e) => setSha(e.target.value)} autoComplete="off" spellCheck={false} />
      </div>
      <TextField
        label={m.effectiveFrom}
        hint={fmt(m.effectiveFromHint, { zone: viewerTimeZone() })}
        error={errors.effectiveFrom}
        type="datetime-local"
        value={effective}
        onChange={(e) => setEffective(e.target.value)}
      />
      {publish.isSuccess ? <Notice>{fmt(m.published, { version: publish.data.version })}</Notice> : null}
      <ProblemAlert error={publish.error} />
      <button type="submit" className="button button-primary" disabled={publish.isPending}>
        {m.publish}
      </button>
    </form>
  );
}
