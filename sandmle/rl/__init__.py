"""Framework adapters for `sandmle_core.consume.gym.MLEEnvironment`: Gymnasium (`gymnasium_env`), SkyRL-Gym
(`skyrl_env`).

They live outside `sandmle_core` because they import optional frameworks (`pip install sandmle[rl]`); import the
submodule you need. rLLM and verl need no adapter module: docs/rl.md shows the few lines that plug the environment in.

Imports: `sandmle_core.consume.gym` and the optional RL frameworks.
"""

__all__: list[str] = []
