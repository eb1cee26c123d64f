/**
 * The roster (teams, reps, weights, capacity, working hours, out-of-office) as data. The unit
 * config holds the first one; ops may replace it (PUT /roster), and the stored version applies
 * from the next hand-off on. Everything else about routing (rules, default team, fallback)
 * stays in the config, so a roster must still hold every team the rules name.
 */
import type { BusinessUnitConfig, Rep, RoutingConfig, Team } from '../../config/schema.ts';

/** The routing config with the stored roster's teams, or the config's own when none is stored. */
export function routingWithRoster(routing: RoutingConfig, teams: Team[] | undefined): RoutingConfig {
  return teams ? { ...routing, teams } : routing;
}

/** The config as a hand-off sees it: its routing with the roster current at that moment. */
export function configWithRoster(config: BusinessUnitConfig, teams: Team[] | undefined): BusinessUnitConfig {
  return teams ? { ...config, routing: routingWithRoster(config.routing, teams) } : config;
}

export interface RosterProblem {
  path: string;
  message: string;
}

/**
 * What makes a roster unusable beyond its schema: a team the routing rules or the default team
 * name is missing, a team or rep id used twice. Empty when it is usable.
 */
export function rosterProblems(routing: RoutingConfig, teams: Team[]): RosterProblem[] {
  const problems: RosterProblem[] = [];
  const ids = new Set(teams.map((t) => t.id));
  if (!ids.has(routing.defaultTeam))
    problems.push({ path: 'teams', message: `the default team '${routing.defaultTeam}' is missing` });
  for (const rule of routing.rules)
    if (!ids.has(rule.team))
      problems.push({ path: 'teams', message: `team '${rule.team}' (routing rule ${rule.id}) is missing` });
  teams.forEach((team, i) => {
    if (teams.findIndex((t) => t.id === team.id) !== i)
      problems.push({ path: `teams.${i}.id`, message: `team id '${team.id}' is used twice` });
    team.members.forEach((rep, j) => {
      if (team.members.findIndex((m) => m.id === rep.id) !== j)
        problems.push({
          path: `teams.${i}.members.${j}.id`,
          message: `rep id '${rep.id}' is used twice in the team`,
        });
    });
  });
  return problems;
}

/** The reps a caller is: the member whose id is their `sub`, or whose email is their verified email. */
export function repsOf(teams: readonly Team[], caller: { subject: string; verifiedEmail?: string }): Rep[] {
  const reps = new Map<string, Rep>();
  for (const rep of teams.flatMap((t) => t.members))
    if (
      rep.id === caller.subject ||
      (caller.verifiedEmail && rep.email.toLowerCase() === caller.verifiedEmail)
    )
      reps.set(rep.id, rep);
  return [...reps.values()];
}

/** A rep of the roster, with their team. */
export function findRep(teams: readonly Team[], repId: string): { rep: Rep; team: Team } | undefined {
  for (const team of teams) {
    const rep = team.members.find((m) => m.id === repId);
    if (rep) return { rep, team };
  }
  return undefined;
}
