-- A contribution's status in the ISF's preparation (CONSIDERING, PLEDGED, DECLINED, OBJECTED_TO, DEPLOYED) and its
-- troops, pledged and deployed, in two columns: a pledge is never a deployment. A record of a nation's public position
-- (e.g. a participation objected to) names no unit, role, size or readiness, so those columns may now be empty; its area
-- is the Gaza Strip (PS02) as a whole.
ALTER TABLE force_contribution
  ADD COLUMN status text NOT NULL DEFAULT 'PLEDGED' CHECK (status IN ('CONSIDERING', 'PLEDGED', 'DECLINED', 'OBJECTED_TO', 'DEPLOYED')),
  ADD COLUMN troops_pledged integer CHECK (troops_pledged BETWEEN 0 AND 20000),
  ADD COLUMN troops_deployed integer NOT NULL DEFAULT 0 CHECK (troops_deployed BETWEEN 0 AND 20000),
  ADD COLUMN announced_at date,
  ADD COLUMN description text;
ALTER TABLE force_contribution ALTER COLUMN unit DROP NOT NULL;
ALTER TABLE force_contribution ALTER COLUMN role DROP NOT NULL;
ALTER TABLE force_contribution ALTER COLUMN personnel DROP NOT NULL;
ALTER TABLE force_contribution ALTER COLUMN readiness DROP NOT NULL;

-- Contributions recorded before: a unit offered is a pledge of its personnel; nothing had deployed (as of Dec 2025 no ISF
-- troops had deployed), so a synthetic "DEPLOYED" readiness becomes READY rather than show a pledge as a deployment.
UPDATE force_contribution SET troops_pledged = personnel;
UPDATE force_contribution SET readiness = 'READY' WHERE readiness = 'DEPLOYED' AND source = 'SYNTHETIC';

-- Troops are deployed only by a contribution whose status is DEPLOYED, and such a contribution has some.
ALTER TABLE force_contribution ADD CONSTRAINT force_contribution_deployed_check
  CHECK ((status = 'DEPLOYED') = (troops_deployed > 0));
ALTER TABLE force_contribution ADD CONSTRAINT force_contribution_readiness_deployed_check
  CHECK (readiness IS DISTINCT FROM 'DEPLOYED' OR status = 'DEPLOYED');
CREATE INDEX force_contribution_status_idx ON force_contribution (status);
