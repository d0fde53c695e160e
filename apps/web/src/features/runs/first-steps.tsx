import Link from 'next/link';

/** What an empty workspace shows on a first visit: the two things to do first. */
export function FirstSteps({ readOnly }: { readOnly: boolean }) {
  if (readOnly)
    return (
      <div className="panel first-steps" data-testid="first-steps">
        <h2 style={{ marginTop: 0 }}>No runs yet</h2>
        <p>Runs the members of this workspace start will appear here as their frames arrive.</p>
      </div>
    );
  return (
    <div className="panel first-steps" data-testid="first-steps">
      <h2 style={{ marginTop: 0 }}>No runs yet: start here</h2>
      <ol>
        <li>
          <strong>Upload two photos</strong> (PNG, JPEG or WebP) on the{' '}
          <Link href="/images">Images</Link> page, or drop them straight into the New run form. A
          run walks between two or more of them.
        </li>
        <li>
          <strong>Start a run</strong>: on <Link href="/runs/new">New run</Link>, put the photos in
          order, choose the number of frames and the noise, and press Start run. Frames appear here
          as they are decoded.
        </li>
      </ol>
      <Link className="button primary" href="/runs/new">
        Start your first run
      </Link>
    </div>
  );
}
