# A SageMaker-style model server for the local CloudFormation integration tests: started with `serve`,
# answers GET /ping and POST /invocations on port 8080 with the model version it was built as. Built with
# MODEL_HEALTHY "loading" it serves but /ping answers 503 for ever (an endpoint stays Creating or Updating);
# with "fails-invocations" it passes /ping but answers every invocation with 500, as a model that loads but
# cannot predict does; with any other value than "true" it fails to load and exits at once, as a broken model
# image does. Perl because
# debian:bookworm-slim ships it: the image builds offline.
use strict;
use warnings;
use IO::Socket::INET;

die "expected the serve argument\n" unless ($ARGV[0] // '') eq 'serve';
my $healthy = $ENV{MODEL_HEALTHY} // 'true';
unless ($healthy eq 'true' || $healthy eq 'loading' || $healthy eq 'fails-invocations') {
  die "model failed to load: weights missing\n";
}
my $server = IO::Socket::INET->new(LocalPort => 8080, Listen => 16, ReuseAddr => 1) or die "listen: $!\n";
while (my $client = $server->accept) {
  my $request = <$client> // next;
  my ($method, $path) = split / /, $request;
  my $length = 0;
  while (my $line = <$client>) {
    last if $line =~ /^\r?\n$/;
    $length = $1 if $line =~ /^content-length:\s*(\d+)/i;
  }
  my $body = '';
  read($client, $body, $length) if $length > 0;
  my ($status, $reply) = (404, '{"error":"not found"}');
  if ($path eq '/ping') {
    ($status, $reply) = $healthy eq 'loading' ? (503, '{"status":"loading"}') : (200, '{"status":"ok"}');
  } elsif ($method eq 'POST' && $path eq '/invocations' && $healthy eq 'fails-invocations') {
    ($status, $reply) = (500, qq({"error":"model $ENV{MODEL_VERSION} cannot predict"}));
  } elsif ($method eq 'POST' && $path eq '/invocations') {
    ($status, $reply) = (200, qq({"version":"$ENV{MODEL_VERSION}","bytes":) . length($body) . '}');
  }
  print $client "HTTP/1.1 $status X\r\nContent-Type: application/json\r\nContent-Length: "
    . length($reply) . "\r\nConnection: close\r\n\r\n$reply";
  close $client;
}
