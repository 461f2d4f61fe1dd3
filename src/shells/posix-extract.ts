import { quotePosix as q } from './posix-quote.ts';
import type { ArchiveFormat } from './shell.ts';

// How a POSIX host unpacks an archive that has passed its hash check. perl's zlib does the
// inflating where it can: the stock tools compute their CRCs a byte at a time.

/** Makes `destination` and unpacks `archive` into it; exits non-zero (the tool's own message on stderr) on failure. */
export function extractInto(archive: string, destination: string, format: ArchiveFormat): string[] {
  const unpack = format === 'zip' ? unzipInto(archive, destination) : untarGz(archive, destination);
  return [`mkdir -p -- ${q(destination)} || exit 1`, ...unpack];
}

/**
 * `perl -e GUNZIP_INTO_TAR -- ARCHIVE DEST` inflates with zlib and pipes into `tar -xf -`: GNU
 * gzip 1.12 (Debian 12) computes its CRC a byte at a time, 0.47 s of CPU for a 36 MiB archive of
 * a real binary against zlib's 0.28 s (50 MiB of random data: 0.13 s against 0.02 s). GNU tar
 * writes a file in pieces of its record size, 10 KiB unless told: with 1 MiB records the whole
 * extraction of 50 MiB took 48 ms of CPU instead of 91 (Debian 12's tar 1.34). Other tars keep
 * their default. Without Compress::Raw::Zlib it runs `tar -xzf`. No single quote: it goes into sh's.
 */
const GUNZIP_INTO_TAR = [
  'use strict; use warnings; my ($f, $d) = @ARGV;',
  'eval { require Compress::Raw::Zlib } or exec "tar", "-xzf", $f, "-C", $d or die "cannot run tar: $!\\n";',
  'open my $in, "<", $f or die "gzip: $f: $!\\n"; binmode $in;',
  'my @records = (qx{tar --version 2>/dev/null} // "") =~ /^tar \\(GNU tar\\) / ? ("-b", "2048") : ();',
  'open my $tar, "|-", "tar", @records, "-xf", "-", "-C", $d or die "cannot run tar: $!\\n"; binmode $tar;',
  // Ignored only now, so tar does not inherit it: a print that fails means tar has gone, and tar says why.
  '$SIG{PIPE} = "IGNORE";',
  'my ($z, $members, $buf, $err) = (undef, 0, "", "");',
  'while (1) {',
  '  if ($buf eq "") {',
  '    my $n = sysread $in, $buf, 1 << 20;',
  '    if (!defined $n) { $err = "$!"; last }',
  '    if (!$n) { $err = "unexpected end of file" if $z || !$members; last }',
  '  }',
  // After a member, zero bytes are padding (gzip ignores them too); anything else is read as the
  // next member, which zlib rejects ("incorrect header check") if it is not one.
  '  if (!$z && $members) { $buf =~ s/^\\0+//; next if $buf eq "" }',
  // LimitOutput: about 1 MiB out per call; without it, an archive of 500 MB of zeros took 500 MB of memory.
  '  $z ||= Compress::Raw::Zlib::Inflate->new(-WindowBits => Compress::Raw::Zlib::WANT_GZIP(), -Bufsize => 1 << 20, -LimitOutput => 1);',
  '  my $st = $z->inflate($buf, my $out);',
  '  last if $out ne "" && !print {$tar} $out;',
  '  if ($st == Compress::Raw::Zlib::Z_STREAM_END()) { $members++; undef $z }',
  '  elsif ($st != Compress::Raw::Zlib::Z_OK() && $st != Compress::Raw::Zlib::Z_BUF_ERROR()) { $err = $z->msg() || "$st"; last }',
  '}',
  // Said before tar sees the end of its input and complains about it.
  'print STDERR "gzip: $f: $err\\n" if $err ne "";',
  'close $tar;',
  'exit 1 if $err ne "";',
  // A tar killed by a signal: the same signal ends perl, so the shell says what it would have said
  // of tar -xzf ("File size limit exceeded").
  'if (my $sig = $? & 127) { $SIG{PIPE} = "DEFAULT"; kill $sig, $$; exit 128 + $sig }',
  // tar's own status: after a failed print, tar has already said why (a tar that stopped reading at
  // the archive's end and exited 0 is a success, as it is for tar -xzf).
  'exit $? >> 8;',
].join('\n');

function untarGz(archive: string, destination: string): string[] {
  return [
    'if command -v perl >/dev/null 2>&1; then',
    `  perl -e '${GUNZIP_INTO_TAR}' -- ${q(archive)} ${q(destination)} || exit $?`,
    `else tar -xzf ${q(archive)} -C ${q(destination)} || exit $?; fi`,
  ];
}

/** perl's exit status for "not an archive this program takes on": nothing was written, unzip decides. */
const LEAVE_TO_UNZIP = 99;

/**
 * `perl -e ZIP_INTO_DIR -- ARCHIVE DEST` extracts a zip with zlib: Info-ZIP's unzip 6.0 spent
 * 0.13 s of CPU on the CRC of a 50 MiB entry that this does in 0.03 s. It takes on stored and
 * deflated entries, files and folders, and the Unix modes a zip records; anything else
 * (zip64, encryption, symlinks, backslash paths, data before the zip) exits LEAVE_TO_UNZIP before
 * writing a byte, and unzip extracts it. Modification times are not restored: nothing reads them.
 * No single quote: it goes into sh's.
 */
const ZIP_INTO_DIR = [
  'use strict; use warnings; my ($f, $d) = @ARGV;',
  `eval { require Compress::Raw::Zlib } or exit ${LEAVE_TO_UNZIP};`,
  'sub bad { print STDERR "unzip: $f: @_\\n"; exit 1 }',
  'open my $in, "<", $f or bad "$!"; binmode $in;',
  // The end record is in the last 22 bytes, or before a comment of at most 64 KiB.
  'my $size = -s $in; my $tl = $size < 65557 ? $size : 65557; my $t = "";',
  'sysseek $in, $size - $tl, 0; (sysread($in, $t, $tl) // -1) == $tl or bad "cannot read its end";',
  'my $e = rindex $t, "PK\\x05\\x06"; $e >= 0 && $tl - $e >= 22 or bad "no end of central directory record: not a zip, or cut short";',
  'my (undef, $disk, $cdisk, undef, $n, $cds, $cdo, $comment) = unpack "V v v v v V V v", substr $t, $e, 22;',
  // A zip64 or split archive, a comment that is not the end, data before the zip: unzip knows them.
  `exit ${LEAVE_TO_UNZIP} if $disk || $cdisk || $n == 0xffff || $cds == 0xffffffff || $cdo == 0xffffffff || $e + 22 + $comment != $tl || $cdo + $cds != $size - $tl + $e;`,
  'my $cd = ""; sysseek $in, $cdo, 0; (sysread($in, $cd, $cds) // -1) == $cds or bad "central directory cut short";',
  'my (@x, @dirs, $p); $p = 0;',
  'for (1 .. $n) {',
  '  $p + 46 <= $cds && substr($cd, $p, 4) eq "PK\\x01\\x02" or bad "bad central directory entry at byte $p";',
  '  my ($made, $flags, $method, $crc, $cs, $us, $nl, $xl, $cl, $ea, $off) = unpack "x4 v x2 v v x4 V V V v v v x4 V V", substr $cd, $p, 46;',
  '  $p + 46 + $nl <= $cds or bad "bad central directory entry at byte $p";',
  '  my $name = substr $cd, $p + 46, $nl; $p += 46 + $nl + $xl + $cl;',
  // The Unix mode sits in the high half of the external attributes of a zip made on Unix.
  '  my $mode = ($made >> 8) == 3 ? $ea >> 16 : 0;',
  `  exit ${LEAVE_TO_UNZIP} if $flags & 1 || ($method != 0 && $method != 8) || $cs == 0xffffffff || $us == 0xffffffff || $off == 0xffffffff;`,
  `  exit ${LEAVE_TO_UNZIP} if $name =~ /\\\\/ || ($mode & 0170000) == 0120000;`,
  // The archive passed inspection before it came here; this is a second lock on the door.
  '  $name =~ m{^/|(^|/)\\.\\.(/|$)} and bad "refusing to write $name outside the destination";',
  '  push @x, [$name, $method, $crc, $cs, $us, $off, $mode];',
  '}',
  'sub dirs { my $s = ""; for (split m{/}, $_[0]) { $s .= "$_/"; -d "$d/$s" or mkdir "$d/$s" or bad "cannot make $d/$s: $!" } }',
  'for (@x) {',
  '  my ($name, $method, $crc, $cs, $us, $off, $mode) = @$_;',
  '  if ($name =~ m{/$}) { dirs $name; push @dirs, ["$d/$name", $mode]; next }',
  '  dirs $1 if $name =~ m{^(.*)/};',
  '  my $h = ""; sysseek $in, $off, 0; sysread $in, $h, 30;',
  '  length $h == 30 && substr($h, 0, 4) eq "PK\\x03\\x04" or bad "$name: no local header at byte $off";',
  '  my ($hl, $hx) = unpack "x26 v v", $h; sysseek $in, $off + 30 + $hl + $hx, 0;',
  '  my $path = "$d/$name"; unlink $path;',
  '  open my $out, ">", $path or bad "cannot write $path: $!"; binmode $out;',
  // LimitOutput: about 1 MiB out per call, so a small entry that inflates to gigabytes takes no memory.
  '  my $z = $method == 8 ? Compress::Raw::Zlib::Inflate->new(-WindowBits => -15, -Bufsize => 1 << 20, -LimitOutput => 1) : undef;',
  '  my ($left, $buf, $got, $c, $end) = ($cs, "", 0, 0, !$z);',
  '  while (1) {',
  '    if ($buf eq "" && $left) { my $r = sysread $in, $buf, $left < 1 << 20 ? $left : 1 << 20; $r or bad "$name: unexpected end of file"; $left -= $r }',
  '    my $o;',
  '    if ($z) {',
  '      last if $end;',
  '      my $st = $z->inflate($buf, $o);',
  '      if ($st == Compress::Raw::Zlib::Z_STREAM_END()) { $end = 1 }',
  // No input left and none taken: the entry ends before its deflate stream does.
  '      elsif ($st == Compress::Raw::Zlib::Z_BUF_ERROR()) { last if $o eq "" && $buf eq "" && !$left }',
  '      elsif ($st != Compress::Raw::Zlib::Z_OK()) { bad "$name: " . ($z->msg() || "zlib error $st") }',
  '    } else { last if $buf eq ""; $o = $buf; $buf = "" }',
  '    next if $o eq "";',
  '    $got += length $o; $got <= $us or bad "$name: more data than its recorded size ($us bytes)";',
  '    $c = Compress::Raw::Zlib::crc32($o, $c);',
  // Unbuffered: print would write the file 8 KiB at a time (50 ms of CPU for 50 MiB; this, 35).
  '    for (my $w = 0; $w < length $o;) { my $k = syswrite $out, $o, length($o) - $w, $w; $k or bad "cannot write $path: $!"; $w += $k }',
  '  }',
  '  close $out or bad "cannot write $path: $!";',
  '  $end or bad "$name: unexpected end of compressed data";',
  '  $got == $us or bad "$name: $got bytes where the zip records $us";',
  '  $c == $crc or bad sprintf "%s: bad CRC %08x (should be %08x)", $name, $c, $crc;',
  '  chmod $mode & 0777, $path if $mode & 0777;',
  '}',
  // Folders last, as unzip does: one made read-only first would refuse the files inside it.
  'for (reverse @dirs) { chmod $_->[1] & 0777, $_->[0] if $_->[1] & 0777 }',
].join('\n');

function unzipInto(archive: string, destination: string): string[] {
  const unzip = `unzip -o -q ${q(archive)} -d ${q(destination)} || exit $?`;
  return [
    `s=${LEAVE_TO_UNZIP}`,
    `if command -v perl >/dev/null 2>&1; then perl -e '${ZIP_INTO_DIR}' -- ${q(archive)} ${q(destination)}; s=$?; fi`,
    `if [ $s -eq ${LEAVE_TO_UNZIP} ]; then ${unzip}; elif [ $s -ne 0 ]; then exit $s; fi`,
  ];
}
