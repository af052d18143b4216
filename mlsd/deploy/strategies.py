"""Rollout strategies as decisions on replayed traffic: shadow, canary, A/B, blue-green.

Each takes the same :class:`Traffic`: requests in time order, the label each one
turned out to have, the champion's and the challenger's score for it, and the user
who sent it. Assignment is by user (a hash of the user id), never by request, so a
user sees one model for a whole stage and per-user effects cannot leak between arms;
comparisons between arms are made on per-user mean losses for the same reason.

The loss per request is the log loss of the score against the late-arriving label.
A replay cannot show feedback loops: the labels were produced by users who saw the
old system, so a model that changes what users see (and therefore what they click)
is judged on behaviour it did not cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlsd.pipeline.evaluate import row_log_loss

ALPHA = 0.05
POWER_Z = 0.8416  # z for 80 % power
CANARY_STAGES = (0.01, 0.05, 0.25, 0.5)
CANARY_MARGIN = 0.10  # non-inferiority margin: 10 % of the champion's mean loss
CATASTROPHE = 1.5  # a stage whose challenger loss is 1.5x the champion's rolls back at once
BLUE_GREEN_TOLERANCE = 0.10  # reverse the swap if green's loss is 10 % above blue's before
CANARY_TEST = "one-sided z (challenger worse) on per-user mean log loss"
AB_PATIENCE = 10  # an effect needing over 10x the traffic so far is called inconclusive


@dataclass(frozen=True)
class Traffic:
    """Replayed requests in time order."""

    y: np.ndarray
    champion: np.ndarray
    challenger: np.ndarray
    users: np.ndarray

    def __len__(self) -> int:
        return len(self.y)

    def part(self, index: Any) -> Traffic:
        return Traffic(self.y[index], self.champion[index], self.challenger[index],
                       self.users[index])  # fmt: skip


@dataclass(frozen=True)
class StrategyResult:
    """A strategy's decision and the figures behind it."""

    name: str
    decision: str
    reason: str
    p_value: float | None
    requests_to_decision: int
    exposed_share: float
    figures: dict[str, Any] = field(default_factory=dict)
    stages: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        out = {"name": self.name, "decision": self.decision, "reason": self.reason,
               "p_value": self.p_value, "requests_to_decision": self.requests_to_decision,
               "exposed_share": self.exposed_share, **self.figures}  # fmt: skip
        if self.stages:
            out["stages"] = list(self.stages)
        return out


log_loss_rows = row_log_loss  # per request, scores clipped to [1e-4, 1 - 1e-4]


def user_bucket(users: np.ndarray, salt: int = 0) -> np.ndarray:
    """A stable position in [0, 1) for each user (Knuth's multiplicative hash)."""
    h = (users.astype(np.uint64) * np.uint64(2654435761) + np.uint64(salt)) % np.uint64(2**32)
    return h.astype(float) / 2**32


def _normal_sf(z: float) -> float:
    from scipy.stats import norm

    return float(norm.sf(z))


def per_user_means(loss: np.ndarray, users: np.ndarray) -> np.ndarray:
    """Each user's mean loss: the unit of analysis when users, not requests, are assigned."""
    uniq, inverse = np.unique(users, return_inverse=True)
    sums = np.bincount(inverse, weights=loss, minlength=len(uniq))
    return sums / np.bincount(inverse, minlength=len(uniq))


@dataclass(frozen=True)
class Comparison:
    """Challenger minus champion, on per-user mean losses (negative = challenger better)."""

    diff: float
    se: float
    champion_loss: float
    challenger_loss: float
    users_a: int
    users_b: int
    sd: float  # pooled per-user standard deviation

    @property
    def z(self) -> float:
        return self.diff / self.se if self.se > 0 else 0.0

    @property
    def p_two_sided(self) -> float:
        return min(1.0, 2 * _normal_sf(abs(self.z))) if self.se > 0 else 1.0

    @property
    def p_worse(self) -> float:
        """One-sided p-value for 'the challenger's loss is higher'."""
        return _normal_sf(self.z) if self.se > 0 else 1.0


def compare_arms(loss_a: np.ndarray, users_a: np.ndarray, loss_b: np.ndarray,
                 users_b: np.ndarray) -> Comparison:  # fmt: skip
    """Welch's z-test on per-user mean losses of arm A (champion) and arm B (challenger)."""
    a, b = per_user_means(loss_a, users_a), per_user_means(loss_b, users_b)
    va = a.var(ddof=1) if len(a) > 1 else 0.0
    vb = b.var(ddof=1) if len(b) > 1 else 0.0
    se = float(np.sqrt(va / max(len(a), 1) + vb / max(len(b), 1)))
    sd = float(np.sqrt((va + vb) / 2))
    return Comparison(float(b.mean() - a.mean()), se, float(a.mean()), float(b.mean()),
                      len(a), len(b), sd)  # fmt: skip


def sample_size_per_arm(sd: float, effect: float, alpha: float = ALPHA) -> float:
    """Units per arm for a two-sided test at ``alpha`` with 80 % power to detect ``effect``."""
    from scipy.stats import norm

    if effect == 0:
        return float("inf")
    z = float(norm.ppf(1 - alpha / 2)) + POWER_Z
    return 2 * (z * sd / effect) ** 2


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> tuple[int, int, float]:
    """Discordant counts (A right & B wrong, A wrong & B right) and the exact two-sided p."""
    from scipy.stats import binom

    b = int(np.sum(correct_a & ~correct_b))
    c = int(np.sum(~correct_a & correct_b))
    if b + c == 0:
        return b, c, 1.0
    return b, c, float(min(1.0, 2 * binom.cdf(min(b, c), b + c, 0.5)))


def flags(scores: np.ndarray, share: float) -> np.ndarray:
    """The decision each request gets when the top ``share`` of scores is flagged."""
    k = max(1, round(share * len(scores)))
    cut = np.partition(scores, len(scores) - k)[len(scores) - k]
    return scores >= cut


def shadow(
    t: Traffic, flag_share: float, latency: dict[str, float] | None = None
) -> StrategyResult:
    """The challenger scores every request beside the champion; only the champion answers."""
    da, db = flags(t.champion, flag_share), flags(t.challenger, flag_share)
    agreement = float(np.mean(da == db))
    truth = t.y.astype(bool)
    b, c, p = mcnemar(da == truth, db == truth)
    figures: dict[str, Any] = {
        "test": "McNemar exact, two-sided, on paired decisions",
        "agreement": agreement,
        "champion_only_right": b,
        "challenger_only_right": c,
        "champion_loss": float(log_loss_rows(t.y, t.champion).mean()),
        "challenger_loss": float(log_loss_rows(t.y, t.challenger).mean()),
    }
    if latency:
        figures.update(latency)
    before = f"before labels only agreement is measurable ({agreement:.1%} same decisions)"
    paired = f"McNemar on the same {len(t):,} requests: {c} right only with the challenger, {b} only with the champion"  # noqa: E501
    if p < ALPHA and c > b:
        decision, verdict = "promote", "the challenger is right more often"
    elif p < ALPHA:
        decision, verdict = "rollback", "the challenger is wrong more often: drop it"
    else:
        decision, verdict = "inconclusive", "no significant difference in paired errors"
    return StrategyResult("shadow", decision, f"{before}; {paired} (p = {p:.3g}): {verdict}",
                          p, len(t), 0.0, figures)  # fmt: skip


def canary(t: Traffic, stages: tuple[float, ...] = CANARY_STAGES, salt: int = 1) -> StrategyResult:
    """Ramp the challenger's share of users stage by stage; roll back on a failed guardrail.

    Each stage serves an equal slice of the traffic in time order. Guardrail: the
    challenger's users must not have a significantly higher loss (one-sided p < 0.05)
    nor a loss 1.5x the champion's. After the last stage, promote only if the
    challenger is non-inferior: the upper 95 % bound of its extra loss is below 10 %
    of the champion's loss. Repeated looks raise the false-rollback rate above 5 %;
    a sequential test (alpha spending) would keep it there.
    """
    bucket = user_bucket(t.users, salt)
    slices = np.array_split(np.arange(len(t)), len(stages))
    loss_a, loss_b = log_loss_rows(t.y, t.champion), log_loss_rows(t.y, t.challenger)
    done = 0
    rows: list[dict[str, Any]] = []  # one dict of figures per stage
    for share, idx in zip(stages, slices, strict=True):
        exposed = bucket[idx] < share
        ia, ib = idx[~exposed], idx[exposed]
        done += len(idx)
        if len(ib) < 2 or len(ia) < 2:
            rows.append({"share": share, "requests": len(idx), "challenger_requests": len(ib),
                         "verdict": "too few requests to check"})  # fmt: skip
            continue
        cmp = compare_arms(loss_a[ia], t.users[ia], loss_b[ib], t.users[ib])
        stage: dict[str, Any] = {
            "share": share,
            "requests": len(idx),
            "challenger_requests": len(ib),
            "champion_loss": cmp.champion_loss,
            "challenger_loss": cmp.challenger_loss,
            "p_worse": cmp.p_worse,
        }
        rows.append(stage)
        if cmp.challenger_loss > CATASTROPHE * cmp.champion_loss or cmp.p_worse < ALPHA:
            stage["verdict"] = "guardrail failed: roll back"
            return StrategyResult(
                "canary", "rollback",
                f"at {share:.0%} of users the challenger's loss was {cmp.challenger_loss:.4f} "
                f"against {cmp.champion_loss:.4f} (one-sided p = {cmp.p_worse:.3g}); traffic "
                "returns to the champion", cmp.p_worse, done, share, {"test": CANARY_TEST},
                tuple(rows),
            )  # fmt: skip
        stage["verdict"] = "guardrail held: ramp up"
    last = rows[-1]
    if "p_worse" not in last:
        return StrategyResult("canary", "inconclusive", "too little traffic reached the challenger",
                              None, done, stages[-1], {}, tuple(rows))  # fmt: skip
    # the last stage's comparison (cmp) decides: is the challenger non-inferior?
    upper = cmp.diff + 1.96 * cmp.se
    margin = CANARY_MARGIN * cmp.champion_loss
    at = f"{stages[-1]:.0%}"
    if upper < margin:
        last["verdict"] = "non-inferior: promote to 100 %"
        decision = "promote"
        reason = (f"every guardrail held; at {at} the challenger is "
                  f"{'better' if upper < 0 else 'no worse'} (extra loss at most {upper:+.4f}, "
                  f"margin {margin:.4f})")  # fmt: skip
    else:
        last["verdict"] = "not yet shown non-inferior: hold"
        decision = "continue"
        reason = (f"no guardrail failed, but the extra loss could still be {upper:+.4f} "
                  f"(margin {margin:.4f}): hold at {at} and collect more traffic")  # fmt: skip
    figures = {"test": CANARY_TEST, "upper_extra_loss": upper, "margin": margin}
    return StrategyResult("canary", decision, reason, cmp.p_worse, done, stages[-1], figures,
                          tuple(rows))  # fmt: skip


def ab_test(t: Traffic, salt: int = 2) -> StrategyResult:
    """A 50/50 split by user over all the traffic: p-value reached and sample size needed."""
    b_arm = user_bucket(t.users, salt) < 0.5
    loss_a = log_loss_rows(t.y[~b_arm], t.champion[~b_arm])
    loss_b = log_loss_rows(t.y[b_arm], t.challenger[b_arm])
    cmp = compare_arms(loss_a, t.users[~b_arm], loss_b, t.users[b_arm])
    p = cmp.p_two_sided
    users_needed = sample_size_per_arm(cmp.sd, cmp.diff)
    per_user = len(t) / max(cmp.users_a + cmp.users_b, 1)
    needed = 2 * users_needed * per_user
    relative = cmp.diff / max(cmp.champion_loss, 1e-12)
    figures = {
        "test": "Welch z, two-sided, on per-user mean log loss",
        "champion_loss": cmp.champion_loss,
        "challenger_loss": cmp.challenger_loss,
        "relative_change": relative,
        "users": cmp.users_a + cmp.users_b,
        "sample_size_requests": int(np.ceil(needed)) if np.isfinite(needed) else None,
    }
    change = f"loss {cmp.champion_loss:.4f} -> {cmp.challenger_loss:.4f} ({relative:+.1%})"
    need = "an unbounded number of" if not np.isfinite(needed) else f"{needed:,.0f}"
    if p < ALPHA:
        decision = "promote" if cmp.diff < 0 else "rollback"
        reason = (
            f"{change}, p = {p:.3g} over {len(t):,} requests (the observed effect needs {need})"
        )
        return StrategyResult("ab", decision, reason, p, len(t), 0.5, figures)
    if np.isfinite(needed) and len(t) < needed <= AB_PATIENCE * len(t):
        reason = f"{change}, p = {p:.3g}: detecting an effect this size needs {need} requests; keep running"  # noqa: E501
        return StrategyResult("ab", "continue", reason, p, int(np.ceil(needed)), 0.5, figures)
    if np.isfinite(needed) and needed <= len(t):
        why = "with enough traffic for the observed effect: there is no difference worth shipping"
    else:
        why = f"an effect this small needs {need} requests, over {AB_PATIENCE}x this traffic: too small to be worth the wait"  # noqa: E501
    reason = f"{change}, p = {p:.3g}: {why}"
    return StrategyResult("ab", "inconclusive", reason, p, len(t), 0.5, figures)


def blue_green(t: Traffic, blue_before: float, smoke: tuple[bool, str],
               watch_share: float = 0.25) -> StrategyResult:  # fmt: skip
    """Swap all traffic to green at once; the rollback is the reverse swap.

    ``blue_before`` is blue's mean loss on the traffic just before the swap; ``smoke`` is
    whether green passed its pre-swap checks, and what they were. After the swap green's
    loss over the first ``watch_share`` of traffic is watched against it.
    """
    ok, checks = smoke
    guarantee = ("blue-green guarantees one version serves at a time and a rollback as fast "
                 "as the swap; it does not compare the two on the same traffic")  # fmt: skip
    if not ok:
        return StrategyResult("blue-green", "rollback", f"smoke test failed ({checks}): no swap",
                              None, 0, 0.0, {"smoke": checks})  # fmt: skip
    n = max(1, int(len(t) * watch_share))
    green = float(log_loss_rows(t.y[:n], t.challenger[:n]).mean())
    figures = {"smoke": checks, "blue_loss_before": blue_before, "green_loss_after": green}
    if green > (1 + BLUE_GREEN_TOLERANCE) * blue_before:
        reason = f"green's loss {green:.4f} after the swap is over 10 % above blue's {blue_before:.4f} before it: swap back; {guarantee}"  # noqa: E501
        return StrategyResult("blue-green", "rollback", reason, None, n, 1.0, figures)
    reason = f"smoke test passed ({checks}); green's loss {green:.4f} after the swap vs blue's {blue_before:.4f} before: keep green; {guarantee}"  # noqa: E501
    return StrategyResult("blue-green", "promote", reason, None, n, 1.0, figures)
