"""Names the pipeline knows, importable without numpy or any ML library.

`mlsd validate` checks content against these tables; the pipeline resolves the
names to code lazily, so start-up stays fast.
"""

from __future__ import annotations

GENERATORS: dict[str, str] = {
    "click-log": "mlsd.pipeline.generators.click_log:ClickLog",
    "content-moderation": "mlsd.pipeline.generators.moderation:ContentModeration",
    "event-rsvp": "mlsd.pipeline.generators.events:EventRsvp",
    "friend-graph": "mlsd.pipeline.generators.social_graph:FriendGraph",
    "street-patches": "mlsd.pipeline.generators.patches:StreetPatches",
    "video-feed": "mlsd.pipeline.generators.feeds:VideoFeed",
    "feed-engagement": "mlsd.pipeline.generators.feeds:FeedEngagement",
    "payments": "mlsd.pipeline.generators.risk:Payments",
    "push-candidates": "mlsd.pipeline.generators.risk:PushCandidates",
    "passage-corpus": "mlsd.pipeline.generators.gallery:PassageCorpus",
    "loan-applications": "mlsd.pipeline.generators.risk:LoanApplications",
    "digits-gallery": "mlsd.pipeline.generators.gallery:DigitsGallery",
    "listing-sessions": "mlsd.pipeline.generators.gallery:ListingSessions",
    "video-catalog": "mlsd.pipeline.generators.gallery:VideoCatalog",
}
"""Generator name -> ``module:Class``."""

GENERATOR_TASKS: dict[str, str] = {
    "click-log": "binary",
    "content-moderation": "binary",
    "event-rsvp": "binary",
    "friend-graph": "binary",
    "street-patches": "binary",
    "video-feed": "ranking",
    "feed-engagement": "ranking",
    "payments": "binary",
    "push-candidates": "binary",
    "passage-corpus": "retrieval",
    "loan-applications": "binary",
    "digits-gallery": "retrieval",
    "listing-sessions": "retrieval",
    "video-catalog": "retrieval",
}
"""The task type each generator produces."""

MODELS_BY_TASK: dict[str, tuple[str, ...]] = {
    "binary": ("historical-rate", "feature-score", "logistic-regression", "lightgbm", "mlp"),
    "ranking": ("popularity", "logistic-regression", "lightgbm-ranker", "mlp"),
    "regression": (),
    "multiclass": (),
    "retrieval": (
        "popularity",
        "cooccurrence",
        "item-embeddings",
        "raw-exact",
        "pca-exact",
        "pca-ivf",
        "tfidf",
        "bm25",
        "lsa-dense",
        "hybrid-rrf",
        "ltr-rerank",
    ),
}

METRICS_BY_TASK: dict[str, tuple[str, ...]] = {
    "binary": (
        "roc_auc",
        "pr_auc",
        "log_loss",
        "normalized_entropy",
        "ece",
        "precision_at_recall_80",
        "precision_at_5pct",
    ),
    "ranking": ("ndcg_at_10", "mrr", "recall_at_10"),
    "regression": (),
    "multiclass": (),
    "retrieval": ("ndcg_at_10", "mrr", "recall_at_10", "precision_at_10"),
}

GENERATOR_METRICS: dict[str, tuple[str, ...]] = {
    "street-patches": ("ap_50",),  # the patch classifier is also scored as a detector
    "loan-applications": ("group_auc_gap",),  # a protected group is audited, not a feature
}
"""Metrics only some generators can support, on top of their task's."""

HEURISTICS: tuple[str, ...] = ("historical-rate", "feature-score", "popularity")
"""Rule-based rows that may come before the linear baseline."""

LEARNED_BASELINES: tuple[str, ...] = (
    "logistic-regression",
    "linear-regression",
    # retrieval's floor is the simplest index: co-views, raw vectors or term matching
    "cooccurrence",
    "raw-exact",
    "tfidf",
    "bm25",
)
"""The interpretable floor; must be the first learned model of every case."""
