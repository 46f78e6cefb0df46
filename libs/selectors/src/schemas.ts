/** zod schemas for selectors and label maps, for the HTTP and message schemas that carry them. */
import { z } from 'zod';
import { MAX_SELECTOR_LENGTH, parseSelector, SelectorSyntaxError } from './parse-selector';

// One definition of what a label map is: the protocol's, so selectors and stored labels agree.
export { Labels } from '@mcp/protocol';

/** A selector string that parses; the issue message says what is wrong and at which position. */
export const SelectorText: z.ZodType<string> = z
  .string()
  .max(MAX_SELECTOR_LENGTH, `must be at most ${MAX_SELECTOR_LENGTH} characters`)
  .superRefine((text, ctx) => {
    // An over-long text already has its issue from max(); parsing it would only repeat that.
    if (text.length > MAX_SELECTOR_LENGTH) return;
    try {
      parseSelector(text);
    } catch (error) {
      if (!(error instanceof SelectorSyntaxError)) throw error;
      ctx.addIssue({ code: 'custom', message: `invalid label selector: ${error.reason}` });
    }
  })
  .meta({
    description:
      'Label selector: comma-separated requirements that must all hold — k=v, k!=v, ' +
      'k in (a,b), k notin (a,b), k (exists), !k (absent). Empty matches everything.',
    examples: ['env=prod,version!=v1', 'tier in (web,api),!canary'],
  });
