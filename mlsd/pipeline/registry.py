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
    "search-sessions": "mlsd.pipeline.generators.search:SearchSessions",
    "query-log": "mlsd.pipeline.generators.search:QueryLog",
    "delivery-trips": "mlsd.pipeline.generators.forecast:DeliveryTrips",
    "store-demand": "mlsd.pipeline.generators.forecast:StoreDemand",
    "short-texts": "mlsd.pipeline.generators.texts:ShortTexts",
    "support-tickets": "mlsd.pipeline.generators.texts:SupportTickets",
    "email-stream": "mlsd.pipeline.generators.texts:EmailStream",
    "metric-series": "mlsd.pipeline.generators.anomalies:MetricSeries",
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
    "search-sessions": "ranking",
    "query-log": "ranking",
    "delivery-trips": "regression",
    "store-demand": "regression",
    "short-texts": "multiclass",
    "support-tickets": "multiclass",
    "email-stream": "binary",
    "metric-series": "binary",
}
"""The task type each generator produces."""

MODELS_BY_TASK: dict[str, tuple[str, ...]] = {
    "binary": ("historical-rate", "feature-score", "logistic-regression", "lightgbm", "mlp"),
    "ranking": ("popularity", "logistic-regression", "lightgbm-ranker", "mlp"),
    "regression": (
        "historical-mean",
        "seasonal-naive",
        "linear-regression",
        "lightgbm",
        "lightgbm-quantile",
        "mlp",
    ),
    "multiclass": ("logistic-regression", "naive-bayes", "lightgbm", "mlp"),
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
        "recall_at_fpr_1pct",
    ),
    "ranking": ("ndcg_at_10", "mrr", "recall_at_10"),
    "regression": ("mae", "rmse", "wape", "pinball_90", "coverage_90"),
    "multiclass": ("accuracy", "macro_f1", "top2_accuracy", "log_loss"),
    "retrieval": ("ndcg_at_10", "mrr", "recall_at_10", "precision_at_10"),
}

GENERATOR_METRICS: dict[str, tuple[str, ...]] = {
    "street-patches": ("ap_50",),  # the patch classifier is also scored as a detector
    "loan-applications": ("group_auc_gap",),  # a protected group is audited, not a feature
    "search-sessions": ("ndcg_at_10_judged",),  # rater grades, free of position bias
    "metric-series": ("event_recall", "detection_delay"),  # per anomaly, not per point
}
"""Metrics only some generators can support, on top of their task's."""

HEURISTICS: tuple[str, ...] = (
    "historical-rate",
    "historical-mean",
    "seasonal-naive",
    "feature-score",
    "popularity",
)
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
