import { useQuery } from '@tanstack/react-query';
import { api, ensure, type Schema } from './api';

export type CenterConfig = Schema<'PrivacyCenterDto'>;

/** The controller, languages, clocks and choices the pages show: one public read, cached for the visit. */
export function useCenter() {
  return useQuery({ queryKey: ['privacy-center'], queryFn: () => ensure(api.GET('/v1/public/privacy-center')), staleTime: 5 * 60_000 });
}
