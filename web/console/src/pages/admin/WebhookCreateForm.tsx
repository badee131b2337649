import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ensure, type Schema } from '../../../../shared/api';
import { messages } from '../../i18n';
import { Checkbox, fieldErrors, TextField } from '../../ui/Field';
import { ProblemAlert } from '../../ui/Problem';

const m = messages.admin.webhooks;
type EventType = Schema<'WebhookDto'>['eventTypes'][number];
export const EVENT_TYPES: readonly EventType[] = ['consent.granted', 'consent.withdrawn'];

export function WebhookCreateForm({ onCreated }: { onCreated: (hook: Schema<'CreatedWebhookDto'>) => void }) {
  const client = useQueryClient();
  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => ensure(api.GET('/v1/purposes')) });
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<EventType[]>([...EVENT_TYPES]);
  const [chosen, setChosen] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: (body: Schema<'CreateWebhookDto'>) => ensure(api.POST('/v1/webhooks', { body })),
    // The signing secret must not linger in the mutation cache: dropped as soon as it is handed over.
    gcTime: 0,
    onSuccess: () => {
      setUrl('');
      setDescription('');
      setEvents([...EVENT_TYPES]);
      setChosen([]);
      void client.invalidateQueries({ queryKey: ['admin', 'webhooks'] });
    },
  });
  const errors = fieldErrors(create.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        url: url.trim(),
        description: description.trim() || undefined,
        eventTypes: events,
        purposes: chosen.length > 0 ? chosen : undefined,
      },
      {
        onSuccess: (hook) => {
          onCreated(hook);
          create.reset();
        },
      },
    );
  };
  const list = purposes.data?.items ?? [];
  return (
    <form className="card" onSubmit={submit} noValidate>
      <TextField label={m.url} hint={m.urlHint} error={errors.url} required type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="off" />
      <TextField label={m.description} hint={m.descriptionHint} error={errors.description} maxLength={200} value={description} onChange={(e) => setDescription(e.target.value)} />
      <fieldset aria-describedby={errors.eventTypes ? 'webhook-events-hint webhook-events-error' : 'webhook-events-hint'}>
        <legend>{m.eventsLegend}</legend>
        <p className="hint" id="webhook-events-hint">
          {m.eventsHint}
        </p>
        {errors.eventTypes ? (
          <p className="field-error" id="webhook-events-error">
            {errors.eventTypes}
          </p>
        ) : null}
        {EVENT_TYPES.map((type) => (
          <Checkbox
            key={type}
            label={messages.admin.events[type] ?? type}
            hint={messages.admin.eventHints[type]}
            checked={events.includes(type)}
            onChange={(e) => setEvents((now) => (e.target.checked ? [...now, type] : now.filter((t) => t !== type)))}
          />
        ))}
      </fieldset>
      <fieldset aria-describedby="webhook-purposes-hint">
        <legend>{m.purposesLegend}</legend>
        <p className="hint" id="webhook-purposes-hint">
          {list.length > 0 ? m.purposesHint : m.noPurposes}
        </p>
        <ProblemAlert error={purposes.error} />
        {list.map((p) => (
          <Checkbox
            key={p.key}
            label={`${p.title} (${p.key})`}
            checked={chosen.includes(p.key)}
            onChange={(e) => setChosen((now) => (e.target.checked ? [...now, p.key] : now.filter((k) => k !== p.key)))}
          />
        ))}
      </fieldset>
      <ProblemAlert error={create.error} />
      <button type="submit" className="button button-primary" disabled={create.isPending}>
        {m.create}
      </button>
    </form>
  );
}
