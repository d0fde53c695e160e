import type { Metadata } from 'next';
import { CreateWorkspaceForm } from '../../../shell/workspace-forms.tsx';

export const metadata: Metadata = { title: 'New workspace' };

export default function NewWorkspacePage() {
  return (
    <div className="panel narrow">
      <h1>New workspace</h1>
      <p>A workspace is a team: its runs, images and presets are its own. You will own it.</p>
      <CreateWorkspaceForm />
    </div>
  );
}
