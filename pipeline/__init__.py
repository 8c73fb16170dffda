"""obstacle-pipeline: classify Persian reports of obstacles to production into a taxonomy of groups and areas."""

__version__ = "0.1.0"
