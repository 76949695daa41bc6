from . import portal
from . import messages
