export default function HomePage() {
  return (
    <main>
      <h1>Collaboration sessions</h1>
      <p>
        A self-hostable, HiAR-compatible collaboration-session service. Third-party servers call its
        signed REST API (<code>POST /session/invite</code>, <code>POST /create</code>,{" "}
        <code>POST /user/query</code>); operators use this console.
      </p>
      <ul>
        <li>
          <a href="/healthz">Health</a>: service version and database reachability.
        </li>
      </ul>
    </main>
  );
}
