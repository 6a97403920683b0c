from fastapi import Depends, FastAPI, HTTPException, Response, status
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .db import get_session
from .health import check_database
from .models import Item
from .schemas import ItemCreate, ItemOut
from .settings import log, settings

app = FastAPI(title="shop", version=settings.version)


@app.on_event("startup")
def announce() -> None:
    log.info("version %s starting (APP_ENV=%s)", settings.version, settings.app_env)


@app.get("/health")
def health(response: Response) -> dict:
    try:
        check_database()
    except SQLAlchemyError as exc:
        log.exception("health check failed")
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": "unhealthy", "version": settings.version, "reason": type(exc).__name__}
    return {"status": "healthy", "version": settings.version}


@app.get("/api/version")
def version() -> dict:
    return {"version": settings.version}


@app.get("/api/items", response_model=list[ItemOut])
def list_items(session: Session = Depends(get_session)) -> list[dict]:
    return [item.as_dict() for item in session.scalars(select(Item).order_by(Item.id))]


@app.post("/api/items", response_model=ItemOut, status_code=status.HTTP_201_CREATED)
def create_item(payload: ItemCreate, session: Session = Depends(get_session)) -> dict:
    item = Item(**payload.dict())
    session.add(item)
    session.commit()
    session.refresh(item)
    return item.as_dict()


@app.get("/api/items/{item_id}", response_model=ItemOut)
def get_item(item_id: int, session: Session = Depends(get_session)) -> dict:
    item = session.get(Item, item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "item not found")
    return item.as_dict()


@app.delete("/api/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_item(item_id: int, session: Session = Depends(get_session)) -> Response:
    item = session.get(Item, item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "item not found")
    session.delete(item)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
