import { z } from 'zod';

/** Label keys: an optional DNS-style prefix, then a name, as in Kubernetes. */
export const LabelKey = z
  .string()
  .max(253)
  .regex(
    /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    'must be a label key like "env" or "example.com/tier"',
  );

export const LabelValue = z
  .string()
  .max(63)
  .regex(
    /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/,
    'must be a label value like "prod" or "v1.2"',
  );

/** The labels of an instance: what selectors (discovery, config beta, canary splits) match on. */
export const Labels = z
  .record(LabelKey, LabelValue)
  .refine((labels) => Object.keys(labels).length <= 64, 'must have at most 64 labels')
  .meta({
    title: 'Labels',
    description: 'Label key/value pairs, e.g. {"env":"prod","version":"v2"}',
  });
export type Labels = z.infer<typeof Labels>;
