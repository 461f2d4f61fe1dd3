/**
 * GitHub Actions workflow commands (`::error title=…::message`). Data and properties are
 * escaped the way the runner unescapes them: `%`, CR and LF in both, and `:` and `,` in
 * properties, so text from a host or a release can neither end the command early nor start one.
 */
export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  title: string;
  message: string;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotationLine(annotation: Annotation): string {
  return `::${annotation.level} title=${escapeProperty(annotation.title)}::${escapeData(annotation.message)}`;
}

/**
 * What the runner takes as commands is switched off while smoke runs (its log quotes hosts and
 * releases) and back on with the same token afterwards.
 */
export function stopCommands(token: string): { stop: string; resume: string } {
  return { stop: `::stop-commands::${token}`, resume: `::${token}::` };
}
