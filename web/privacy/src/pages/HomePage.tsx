import { Link } from 'react-router';
import { fmt } from '../../../shared/i18n';
import { useCenter } from '../config';
import { useLocale } from '../i18n';
import { RIGHTS } from '../rights';
import { Page, Section } from '../ui/Page';

export function HomePage() {
  const { m } = useLocale();
  const center = useCenter().data!;
  const objectionOpen = center.objectablePurposes.length > 0;
  return (
    <Page title={fmt(m.home.title, { controller: center.controller.name })}>
      <p className="lead">{m.home.intro}</p>
      <Section id="rights" title={m.home.rightsHeading}>
        <ul className="rights">
          {RIGHTS.map((right) => (
            <li key={right} className="card">
              <h3>{right === 'objection' && !objectionOpen ? m.rights[right].title : <Link to={`/request/${right}`}>{m.rights[right].title}</Link>}</h3>
              <p>{m.rights[right].summary}</p>
              {right === 'objection' && !objectionOpen ? <p>{fmt(m.home.objectionByMail, { contact: center.controller.contact })}</p> : null}
            </li>
          ))}
        </ul>
      </Section>
      {center.signIn ? (
        <Section id="consents" title={m.consents.title}>
          <p>{m.account.signInHint}</p>
          <p>
            <Link to="/consents">{m.consents.homeLink}</Link>
          </p>
        </Section>
      ) : null}
      <Section id="follow" title={m.home.followHeading}>
        <p>{m.home.followText}</p>
      </Section>
    </Page>
  );
}
