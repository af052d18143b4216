"""Text data: short texts in six languages, support tickets, and a spam stream.

Each generator writes words or characters from known distributions, so the
oracle is the exact Bayes posterior: the class prior times the likelihood of the
text and of every metadata field, normalised over the classes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlsd.pipeline.generators.base import (
    Dataset,
    check_params,
    sample_rows,
    softmax_rows,
    zipf_ids,
)

ALPHABET = "abcdefghijklmnopqrstuvwxyz "
LANGUAGES = ("aurelian", "brevic", "brevan", "corsic", "dalmic", "dalmese")
LANGUAGE_SHARES = (0.34, 0.2, 0.15, 0.13, 0.12, 0.06)
CLOSE = {2: 1, 5: 4}  # brevan is a dialect of brevic, dalmese of dalmic


@dataclass(frozen=True)
class ShortTexts:
    """Short texts (8-60 characters) in six synthetic languages; two close pairs."""

    closeness: float = 0.7  # how much of a dialect's transitions it shares with its parent
    locale_match: float = 0.6  # share of users whose UI locale is the text's language
    min_chars: int = 8
    max_chars: int = 60

    def __post_init__(self) -> None:
        check_params(min_chars=(self.min_chars, 2), max_chars=(self.max_chars, self.min_chars))
        for name in ("closeness", "locale_match"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(f"{name} must be in [0, 1)")

    def _chains(self) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(12345)  # the languages are fixed; only the texts vary
        a = len(ALPHABET)
        trans = rng.dirichlet(np.full(a, 0.35), size=(len(LANGUAGES), a))
        for child, parent in CLOSE.items():
            trans[child] = self.closeness * trans[parent] + (1 - self.closeness) * trans[child]
        start = trans[:, a - 1]  # a text starts as if after a space
        return start, trans

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` texts over 30 days (no drift)."""
        rng = np.random.default_rng(seed)
        start, trans = self._chains()
        k = len(LANGUAGES)
        prior = np.array(LANGUAGE_SHARES)
        lang = rng.choice(k, size=rows, p=prior)
        length = rng.integers(self.min_chars, self.max_chars + 1, rows)
        chars = np.empty((rows, self.max_chars), dtype=np.int64)
        chars[:, 0] = sample_rows(rng, start[lang])
        for i in range(1, self.max_chars):
            chars[:, i] = sample_rows(rng, trans[lang, chars[:, i - 1]])
        alive = np.arange(self.max_chars)[None, :] < length[:, None]
        loglik = np.log(start[:, chars[:, 0]]).T  # (rows, k)
        for i in range(1, self.max_chars):
            step = np.log(trans[:, chars[:, i - 1], chars[:, i]]).T
            loglik += np.where(alive[:, i : i + 1], step, 0.0)
        letters = np.array(list(ALPHABET))
        text = np.array(["".join(letters[c[:n]]) for c, n in zip(chars, length, strict=True)],
                        dtype=object)  # fmt: skip
        match = rng.random(rows) < self.locale_match
        locale = np.where(match, lang, rng.integers(0, k, rows))
        p_locale = np.full((rows, k), (1 - self.locale_match) / k)
        p_locale[np.arange(rows), locale] += self.locale_match
        truth = softmax_rows(loglik + np.log(prior)[None, :] + np.log(p_locale))
        time = np.sort(rng.uniform(0.0, 30.0, rows))
        return Dataset(
            {"text": text, "ui_locale": locale}, lang, truth, time,
            numeric=(), categorical=("ui_locale",), ids=(), text=("text",), analyzer="char",
            description=(f"{rows:,} short texts ({self.min_chars}-{self.max_chars} characters) "
                         f"in {k} languages, two of them close dialect pairs"),
            levels={"ui_locale": LANGUAGES}, classes=LANGUAGES,
        )  # fmt: skip


TEAMS = ("billing", "account-access", "shipping", "returns", "technical", "api", "trust-safety",
         "sales")  # fmt: skip
TEAM_SHARES = (0.2, 0.17, 0.15, 0.13, 0.12, 0.09, 0.07, 0.07)
TEAM_WORDS = {
    "billing": "invoice charged charge card payment billed subscription plan receipt vat "
    "renewal overcharged refund proration credit tax paid",
    "account-access": "password login reset locked sso twofactor code email verify username "
    "signin access account error authenticator",
    "shipping": "delivery tracking courier package shipped arrived late address parcel dispatch "
    "warehouse delayed carrier postcode",
    "returns": "return refund exchange damaged wrong size label broken replacement defective "
    "unwanted faulty rma",
    "technical": "crash error bug freezes slow loading blank screen update version browser app "
    "sync install",
    "api": "api endpoint token webhook integration sdk rate limit json status 500 timeout oauth "
    "request",
    "trust-safety": "scam fraud phishing hacked stolen impersonation harassment report abuse "
    "suspicious spam fake",
    "sales": "pricing quote enterprise seats demo trial upgrade discount contract volume "
    "purchase licence",
}
GENERIC = [
    "hi",
    "hello",
    "please",
    "thanks",
    "thank",
    "you",
    "help",
    "need",
    "issue",
    "problem",
    "today",
    "urgent",
    "still",
    "again",
    "asap",
    "order",
    "my",
    "our",
    "team",
    "support",
    "the",
    "a",
    "with",
    "for",
    "since",
    "yesterday",
    "week",
    "can",
    "cannot",
    "not",
    "working",
    "why",
    "how",
    "what",
]
CONFUSABLE = {"billing": "returns", "returns": "billing", "account-access": "technical",
              "technical": "account-access", "api": "technical", "sales": "billing",
              "trust-safety": "account-access", "shipping": "returns"}  # fmt: skip
CHANNELS = ("email", "chat", "web-form")
TIERS = ("free", "pro", "enterprise")


@dataclass(frozen=True)
class SupportTickets:
    """Customer tickets routed to eight teams; text plus form and account metadata."""

    own_share: float = 0.3  # share of a ticket's words from its team's vocabulary
    form_accuracy: float = 0.6  # how often the topic picked in the form is right

    def __post_init__(self) -> None:
        for name in ("own_share", "form_accuracy"):
            if not 0.0 < getattr(self, name) < 1.0:
                raise ValueError(f"{name} must be in (0, 1)")

    def _vocabulary(self) -> tuple[list[str], np.ndarray]:
        words = list(dict.fromkeys(GENERIC + [w for t in TEAMS for w in TEAM_WORDS[t].split()]))
        index = {w: i for i, w in enumerate(words)}
        phi = np.zeros((len(TEAMS), len(words)))
        generic = np.array([index[w] for w in GENERIC])
        for k, team in enumerate(TEAMS):
            own = np.array([index[w] for w in TEAM_WORDS[team].split()])
            other = np.array([index[w] for w in TEAM_WORDS[CONFUSABLE[team]].split()])
            phi[k, generic] += (1 - self.own_share - 0.1) / len(generic)
            phi[k, own] += self.own_share / len(own)
            phi[k, other] += 0.1 / len(other)
        return words, phi / phi.sum(axis=1, keepdims=True)

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` tickets over 45 days."""
        rng = np.random.default_rng(seed)
        words, phi = self._vocabulary()
        k = len(TEAMS)
        prior = np.array(TEAM_SHARES)
        team = rng.choice(k, size=rows, p=prior)
        length = 6 + rng.poisson(10, rows)
        with np.errstate(divide="ignore"):  # a team never writes another's private words
            logphi = np.log(phi)
        cum = np.cumsum(phi, axis=1)
        text = np.empty(rows, dtype=object)
        loglik = np.zeros((rows, k))
        for r in range(rows):
            ids = np.minimum(np.searchsorted(cum[team[r]], rng.random(length[r])), len(words) - 1)
            text[r] = " ".join(words[i] for i in ids)
            loglik[r] = logphi[:, ids].sum(axis=1)
        # metadata, each with a known per-team likelihood
        p_channel = np.tile([0.5, 0.3, 0.2], (k, 1))
        p_channel[TEAMS.index("api")] = [0.75, 0.05, 0.2]
        p_channel[TEAMS.index("sales")] = [0.3, 0.5, 0.2]
        p_tier = np.tile([0.6, 0.3, 0.1], (k, 1))
        p_tier[TEAMS.index("api")] = [0.1, 0.4, 0.5]
        p_tier[TEAMS.index("sales")] = [0.5, 0.3, 0.2]
        channel = sample_rows(rng, p_channel[team])
        tier = sample_rows(rng, p_tier[team])
        right = rng.random(rows) < self.form_accuracy
        form = np.where(right, team, rng.integers(0, k, rows))
        age_mu = np.full(k, math.log(400.0))
        age_mu[TEAMS.index("sales")] = math.log(20.0)
        age_mu[TEAMS.index("trust-safety")] = math.log(120.0)
        log_age = rng.normal(age_mu[team], 1.0)
        attach_p = np.array([0.2, 0.1, 0.25, 0.55, 0.45, 0.35, 0.4, 0.05])
        attach = rng.random(rows) < attach_p[team]
        p_form = np.full((rows, k), (1 - self.form_accuracy) / k)
        p_form[np.arange(rows), form] += self.form_accuracy
        loglik += np.log(p_channel[:, channel].T) + np.log(p_tier[:, tier].T) + np.log(p_form)
        loglik += -0.5 * (log_age[:, None] - age_mu[None, :]) ** 2
        loglik += np.log(np.where(attach[:, None], attach_p[None, :], 1 - attach_p[None, :]))
        truth = softmax_rows(loglik + np.log(prior)[None, :])
        cols = {"text": text, "channel": channel, "tier": tier, "form_topic": form,
                "log_account_age": log_age, "has_attachment": attach.astype(float)}  # fmt: skip
        return Dataset(
            cols, team, truth, np.sort(rng.uniform(0.0, 45.0, rows)),
            numeric=("log_account_age", "has_attachment"),
            categorical=("channel", "tier", "form_topic"), ids=(), text=("text",),
            description=(f"{rows:,} support tickets over 45 days for {k} teams; the form's "
                         f"topic is right {self.form_accuracy:.0%} of the time"),
            levels={"channel": CHANNELS, "tier": TIERS, "form_topic": TEAMS}, classes=TEAMS,
        )  # fmt: skip


HAM_WORDS = [
    "meeting",
    "agenda",
    "attached",
    "report",
    "invoice",
    "project",
    "schedule",
    "lunch",
    "family",
    "photos",
    "weekend",
    "flight",
    "booking",
    "confirmation",
    "receipt",
    "minutes",
    "draft",
    "review",
    "feedback",
    "deadline",
    "budget",
    "quarterly",
    "notes",
    "call",
    "tomorrow",
    "kids",
    "school",
    "dinner",
    "newsletter",
    "update",
    "account",
    "statement",
]
SPAM_LEXICON = [
    "free",
    "winner",
    "prize",
    "cash",
    "offer",
    "urgent",
    "claim",
    "bonus",
    "credit",
    "loan",
    "pills",
    "cheap",
    "discount",
    "guaranteed",
    "crypto",
    "investment",
    "bitcoin",
    "limited",
    "exclusive",
    "click",
    "unsubscribe",
    "act",
    "now",
    "million",
    "inheritance",
    "lottery",
    "viagra",
    "casino",
    "deal",
    "verify",
    "suspended",
]
AUTH = ("pass", "fail", "none")
LEET = str.maketrans({"e": "3", "a": "4", "i": "1", "o": "0", "s": "5"})


def _obfuscate(word: str, rng: np.random.Generator) -> str:
    """A spammer's variant of ``word``: leetspeak, a dot inside, or a doubled letter."""
    how = rng.integers(0, 3)
    if how == 0:
        return word.translate(LEET)
    cut = int(rng.integers(1, max(len(word), 2)))
    return word[:cut] + ("." if how == 1 else word[cut - 1]) + word[cut:]


@dataclass(frozen=True)
class EmailStream:
    """A time-ordered mail stream, ~30 % spam, whose campaigns change their wording.

    Each spam campaign runs for a few days with its own words; campaigns in the
    later part of the period switch to obfuscated spellings no earlier campaign
    used, so a model trained on the past meets wording it has never seen.
    """

    spam_rate: float = 0.3
    days: float = 60.0
    campaigns: int = 16
    obfuscate_after: float = 0.6  # share of the period after which campaigns obfuscate
    n_domains: int = 3_000

    def __post_init__(self) -> None:
        check_params(days=(self.days, 2), campaigns=(self.campaigns, 2),
                     n_domains=(self.n_domains, 10))  # fmt: skip
        if not 0.0 < self.spam_rate < 1.0:
            raise ValueError("spam_rate must be in (0, 1)")

    def _campaigns(self, rng: np.random.Generator) -> tuple[list[list[str]], np.ndarray]:
        starts = np.sort(rng.uniform(-5.0, self.days, self.campaigns))
        vocab = []
        for start in starts:
            words = list(rng.choice(SPAM_LEXICON, size=12, replace=False))
            if start > self.obfuscate_after * self.days:
                words = [_obfuscate(w, rng) if rng.random() < 0.7 else w for w in words]
            vocab.append(words)
        return vocab, starts

    def generate(self, rows: int, seed: int) -> Dataset:
        """Sample ``rows`` emails in time order."""
        rng = np.random.default_rng(seed)
        campaign_words, starts = self._campaigns(rng)
        time = np.sort(rng.uniform(0.0, self.days, rows))
        spam = rng.random(rows) < self.spam_rate
        duration = 8.0
        active = (time[:, None] >= starts[None, :]) & (time[:, None] < starts[None, :] + duration)
        none_active = ~active.any(axis=1)
        active[none_active, np.searchsorted(starts, time[none_active]) - 1] = True
        campaign = sample_rows(rng, active / active.sum(axis=1, keepdims=True))
        words = list(dict.fromkeys(GENERIC + HAM_WORDS + SPAM_LEXICON
                                   + [w for c in campaign_words for w in c]))  # fmt: skip
        index = {w: i for i, w in enumerate(words)}
        v = len(words)

        def dist(parts: list[tuple[list[str], float]]) -> np.ndarray:
            phi = np.zeros(v)
            for ws, share in parts:
                phi[[index[w] for w in ws]] += share / len(ws)
            return phi

        ham_phi = dist([(GENERIC, 0.55), (HAM_WORDS, 0.4), (SPAM_LEXICON, 0.05)])  # newsletters
        camp_phi = np.array([dist([(GENERIC, 0.55), (HAM_WORDS, 0.2), (c, 0.25)])
                             for c in campaign_words])  # fmt: skip
        length = 8 + rng.poisson(12, rows)
        text = np.empty(rows, dtype=object)
        ll_ham = np.zeros(rows)
        ll_camp = np.zeros((rows, self.campaigns))
        with np.errstate(divide="ignore"):
            log_ham, log_camp = np.log(ham_phi), np.log(camp_phi)
        cum_ham, cum_camp = np.cumsum(ham_phi), np.cumsum(camp_phi, axis=1)
        for r in range(rows):
            cum = cum_camp[campaign[r]] if spam[r] else cum_ham
            ids = np.minimum(np.searchsorted(cum, rng.random(length[r]) * cum[-1]), v - 1)
            text[r] = " ".join(words[i] for i in ids)
            ll_ham[r] = log_ham[ids].sum()
            ll_camp[r] = log_camp[:, ids].sum(axis=1)
        # P(text | spam, t): a mixture over the campaigns active at that time
        weights = active / active.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore"):
            mix = np.where(active, ll_camp + np.log(weights), -np.inf)
        top = mix.max(axis=1)
        possible = np.isfinite(top)  # else no active campaign could have written this text
        safe = np.where(possible, top, 0.0)
        with np.errstate(divide="ignore"):
            ll_spam = np.where(possible, safe + np.log(np.exp(mix - safe[:, None]).sum(axis=1)),
                               -np.inf)  # fmt: skip
        # metadata with known per-class likelihoods
        p_auth = np.array([[0.85, 0.03, 0.12], [0.35, 0.25, 0.40]])  # ham, spam
        auth = sample_rows(rng, p_auth[spam.astype(int)])
        link_rate = np.array([0.8, 2.5])
        links = rng.poisson(link_rate[spam.astype(int)]).astype(float)
        attach_p = np.array([0.2, 0.08])
        attach = rng.random(rows) < attach_p[spam.astype(int)]
        age_mu, age_sd = np.array([6.0, 2.5]), np.array([1.5, 1.5])
        log_age = rng.normal(age_mu[spam.astype(int)], age_sd[spam.astype(int)])
        mismatch_p = np.array([0.03, 0.35])
        mismatch = rng.random(rows) < mismatch_p[spam.astype(int)]
        # senders: ham from a stable pool; spam from fresh throwaway domains (70 %) or
        # compromised accounts in the same pool (30 %), so a new domain is itself a signal
        pool = zipf_ids(rng, rows, self.n_domains, 1.0)
        fresh = spam & (rng.random(rows) < 0.7)
        ham_fresh = ~spam & (rng.random(rows) < 0.05)  # new small senders are rare but real
        domain = np.where(fresh | ham_fresh, self.n_domains + np.arange(rows), pool)
        p_fresh = np.array([0.05, 0.7])

        def loglik(c: int) -> np.ndarray:
            ll = ll_spam if c else ll_ham
            ll = ll + np.log(p_auth[c, auth])
            ll = ll + links * math.log(link_rate[c]) - link_rate[c]
            ll = ll + np.log(np.where(attach, attach_p[c], 1 - attach_p[c]))
            ll = ll - 0.5 * ((log_age - age_mu[c]) / age_sd[c]) ** 2 - math.log(age_sd[c])
            ll = ll + np.log(np.where(mismatch, mismatch_p[c], 1 - mismatch_p[c]))
            is_fresh = domain >= self.n_domains
            return ll + np.log(np.where(is_fresh, p_fresh[c], 1 - p_fresh[c]))

        logit = (loglik(1) + math.log(self.spam_rate)) - (loglik(0) + math.log(1 - self.spam_rate))
        truth = np.exp(-np.logaddexp(0.0, -logit))  # -inf (impossible as spam) gives 0
        cols = {"text": text, "n_links": links, "has_attachment": attach.astype(float),
                "log_sender_age_days": log_age, "auth": auth,
                "reply_to_mismatch": mismatch.astype(float), "sender_domain": domain}  # fmt: skip
        return Dataset(
            cols, spam.astype(np.int8), truth, time,
            numeric=("n_links", "has_attachment", "log_sender_age_days", "reply_to_mismatch"),
            categorical=("auth",), ids=("sender_domain",), text=("text",),
            description=(f"{rows:,} emails over {self.days:g} days, {self.spam_rate:.0%} spam "
                         f"from {self.campaigns} campaigns; later campaigns obfuscate words"),
            levels={"auth": AUTH},
        )  # fmt: skip
