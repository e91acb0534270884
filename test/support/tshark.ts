/**
 * tshark arguments that print the given fields of every PROXY header in `file`.
 * Heuristic dissectors run after port-based ones by default, and port 3306 is
 * MySQL's, so without try_heuristic_first tshark never tries the PROXY dissector.
 */
export function tsharkProxyFields(file: string, fields: string[]): string[] {
  return [
    '-n',
    '-r',
    file,
    '-o',
    'tcp.try_heuristic_first:TRUE',
    '-Y',
    'proxy',
    '-T',
    'fields',
    '-E',
    'separator=|',
    ...fields.flatMap((f) => ['-e', f]),
  ];
}
